// `bench crossloop`: Coop's cross-loop channel between the two loops of a LoopGroup against
// System.Threading.Channels (STC) between two threads, the same work on both sides (issue 14's goal:
// at least 1.5x STC's messages/s with no worse one-message latency).
//   throughput: one producer sends the ints 0..N-1, one consumer sums them; messages/s from the
//     producer's start to the consumer's end. Bounded (--capacity, the same on both sides) and
//     unbounded. Each side uses its fastest documented idiom: Coop `if (!tx.TrySend(x)) await
//     tx.SendAsync(x)` and `while (rx.TryReceive(out x)) ...` before `await rx.ReceiveAsync()`;
//     STC `while (!w.TryWrite(x)) await w.WaitToWriteAsync()` and `while (await r.WaitToReadAsync())
//     while (r.TryRead(out x)) ...`, with SingleReader and SingleWriter set.
//   CPU: the process's CPU time per message over a throughput run, both threads and their spinning
//     included (the least of --reps runs), which still compares when the machine is loaded.
//   latency: ping-pong over two channels, one message in flight; one message's latency is a round
//     trip / 2; the median and p99 of --pings round trips after a warm-up of 1,000.
// STC runs two ways: a writer and a reader task on the thread pool (awaits), and two dedicated
// threads that block while they wait (WaitToXAsync().AsTask().Wait()). Each figure is the best of
// --reps runs (the machine is shared: the best run is the one least disturbed).
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Coop.Bench.Workloads;

namespace Coop.Bench.CrossLoop;

internal static class CrossLoopComparison
{
    private const int WarmUpPings = 1000;

    public static int Run(Options o)
    {
        int messages = o.Int("messages", 2_000_000), capacity = o.Int("capacity", 1024), pings = o.Int("pings", 20_000), reps = o.Int("reps", 3);
        if (messages < 1 || capacity < 1 || pings < 1 || reps < 1)
        {
            Console.Error.WriteLine("crossloop: --messages, --capacity, --pings and --reps must be at least 1");
            return 2;
        }

        Precompile.CoopAndWorkloads();
        var sides = new (string Impl, Func<int, int?, double> Throughput, Func<int, double[]> PingPong)[]
        {
            ("coop cross-loop channel, 2 loops", CoopThroughput, CoopPingPong),
            ("STC Channel<T>, 2 thread-pool tasks", StcTasksThroughput, StcTasksPingPong),
            ("STC Channel<T>, 2 dedicated threads", StcThreadsThroughput, StcThreadsPingPong),
        };

        foreach (var (impl, throughput, pingPong) in sides)
        {
            throughput(Math.Min(messages, 100_000), capacity); // warm-up: the JIT of the generic code
            pingPong(WarmUpPings);
            var bounded = Enumerable.Range(0, reps).Select(_ => WithCpu(() => throughput(messages, capacity), messages)).ToList();
            var unbounded = Enumerable.Range(0, reps).Select(_ => WithCpu(() => throughput(messages, null), messages)).ToList();
            var (p50, p99) = Enumerable.Range(0, reps).Select(_ => Percentiles(pingPong(WarmUpPings + pings)[WarmUpPings..])).MinBy(l => l.P50);
            Emit(impl, messages, capacity, pings, reps, bounded, unbounded, p50, p99);
        }

        return 0;
    }

    /// <summary>Messages/s of one run, and the process's CPU time per message over it (both threads,
    /// spinning included): under load, where throughput is noise, CPU per message still compares.</summary>
    private static (double PerSecond, double CpuNs) WithCpu(Func<double> run, int messages)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var perSecond = run();
        process.Refresh();
        return (perSecond, (process.TotalProcessorTime - before).TotalNanoseconds / messages);
    }

    private static void Emit(string impl, int messages, int capacity, int pings, int reps, List<(double PerSecond, double CpuNs)> bounded, List<(double PerSecond, double CpuNs)> unbounded, double p50, double p99)
    {
        var record = new Dictionary<string, object>
        {
            ["workload"] = "crossloop",
            ["impl"] = impl,
            ["params"] = new Dictionary<string, object> { ["messages"] = messages, ["capacity"] = capacity, ["pings"] = pings, ["reps"] = reps },
            ["figures"] = new Dictionary<string, object>
            {
                ["bounded_messages_per_s"] = Measure.R(bounded.Max(r => r.PerSecond), 0),
                ["unbounded_messages_per_s"] = Measure.R(unbounded.Max(r => r.PerSecond), 0),
                ["bounded_cpu_ns_per_message"] = Measure.R(bounded.Min(r => r.CpuNs), 1),
                ["unbounded_cpu_ns_per_message"] = Measure.R(unbounded.Min(r => r.CpuNs), 1),
                ["one_way_p50_us"] = Measure.R(p50, 2),
                ["one_way_p99_us"] = Measure.R(p99, 2),
            },
            ["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?",
            ["runtime"] = Environment.Version.ToString(),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(record));
        Console.Out.Flush();
    }

    private static (double P50, double P99) Percentiles(double[] oneWayMicroseconds)
    {
        var sorted = oneWayMicroseconds.ToArray();
        Array.Sort(sorted);
        return (Measure.Percentile(sorted, 50), Measure.Percentile(sorted, 99));
    }

    private static double OneWayMicroseconds(long start, long end) => Stopwatch.GetElapsedTime(start, end).TotalMicroseconds / 2;

    private static double PerSecond(int messages, long start, long end, long sum)
    {
        var expected = (long)messages * (messages - 1) / 2;
        if (sum != expected)
        {
            throw new InvalidOperationException($"crossloop: the consumer summed {sum}, not {expected}: messages were lost or repeated");
        }

        return messages / Stopwatch.GetElapsedTime(start, end).TotalSeconds;
    }

    // ------------------------------------------------------------ Coop: two loops of a group

    private static double CoopThroughput(int messages, int? capacity)
    {
        var (tx, rx) = capacity is { } c ? CrossLoopChannel.Create<int>(c) : CrossLoopChannel.CreateUnbounded<int>();
        long start = 0, end = 0, sum = 0;
        RunOnTwoLoops(Producer, Consumer);
        return PerSecond(messages, start, end, sum);

        async Coroutine Producer()
        {
            start = Stopwatch.GetTimestamp();
            for (var i = 0; i < messages; i++)
            {
                if (!tx.TrySend(i))
                {
                    await tx.SendAsync(i);
                }
            }

            tx.Close();
        }

        async Coroutine Consumer()
        {
            while (true)
            {
                while (rx.TryReceive(out var x))
                {
                    sum += x;
                }

                try
                {
                    sum += await rx.ReceiveAsync();
                }
                catch (EndOfChannelException)
                {
                    break;
                }
            }

            end = Stopwatch.GetTimestamp();
        }
    }

    private static double[] CoopPingPong(int pings)
    {
        var (pingTx, pingRx) = CrossLoopChannel.Create<long>(1);
        var (pongTx, pongRx) = CrossLoopChannel.Create<long>(1);
        var samples = new double[pings];
        RunOnTwoLoops(Pinger, Ponger);
        return samples;

        async Coroutine Pinger()
        {
            for (var i = 0; i < pings; i++)
            {
                var start = Stopwatch.GetTimestamp();
                if (!pingTx.TrySend(start))
                {
                    await pingTx.SendAsync(start);
                }

                if (!pongRx.TryReceive(out var back))
                {
                    back = await pongRx.ReceiveAsync();
                }

                samples[i] = OneWayMicroseconds(back, Stopwatch.GetTimestamp());
            }
        }

        async Coroutine Ponger()
        {
            for (var i = 0; i < pings; i++)
            {
                if (!pingRx.TryReceive(out var x))
                {
                    x = await pingRx.ReceiveAsync();
                }

                if (!pongTx.TrySend(x))
                {
                    await pongTx.SendAsync(x);
                }
            }
        }
    }

    private static void RunOnTwoLoops(Func<Coroutine> first, Func<Coroutine> second)
    {
        using var group = new LoopGroup(new LoopGroupOptions { LoopCount = 2, Name = "crossloop" });
        group.Start([_ => first(), _ => second()]);
        group.Wait();
    }

    // ------------------------------------------------------------ STC: thread-pool tasks

    private static Channel<T> StcChannel<T>(int? capacity) => capacity is { } c
        ? Channel.CreateBounded<T>(new BoundedChannelOptions(c) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait })
        : Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private static double StcTasksThroughput(int messages, int? capacity)
    {
        var channel = StcChannel<int>(capacity);
        var start = Stopwatch.GetTimestamp();
        var writer = Task.Run(async () =>
        {
            var w = channel.Writer;
            for (var i = 0; i < messages; i++)
            {
                while (!w.TryWrite(i))
                {
                    await w.WaitToWriteAsync();
                }
            }

            w.Complete();
        });
        var reader = Task.Run(async () =>
        {
            var r = channel.Reader;
            long sum = 0;
            while (await r.WaitToReadAsync())
            {
                while (r.TryRead(out var x))
                {
                    sum += x;
                }
            }

            return sum;
        });
        writer.Wait();
        var total = reader.Result;
        return PerSecond(messages, start, Stopwatch.GetTimestamp(), total);
    }

    private static double[] StcTasksPingPong(int pings)
    {
        var ping = StcChannel<long>(1);
        var pong = StcChannel<long>(1);
        var samples = new double[pings];
        var ponger = Task.Run(async () =>
        {
            for (var i = 0; i < pings; i++)
            {
                var x = await ping.Reader.ReadAsync();
                await pong.Writer.WriteAsync(x);
            }
        });
        var pinger = Task.Run(async () =>
        {
            for (var i = 0; i < pings; i++)
            {
                await ping.Writer.WriteAsync(Stopwatch.GetTimestamp());
                var back = await pong.Reader.ReadAsync();
                samples[i] = OneWayMicroseconds(back, Stopwatch.GetTimestamp());
            }
        });
        Task.WaitAll(pinger, ponger);
        return samples;
    }

    // ------------------------------------------------------------ STC: dedicated threads

    private static double StcThreadsThroughput(int messages, int? capacity)
    {
        var channel = StcChannel<int>(capacity);
        long sum = 0;
        var start = Stopwatch.GetTimestamp();
        RunOnTwoThreads(
            () =>
            {
                var w = channel.Writer;
                for (var i = 0; i < messages; i++)
                {
                    while (!w.TryWrite(i))
                    {
                        w.WaitToWriteAsync().AsTask().Wait();
                    }
                }

                w.Complete();
            },
            () =>
            {
                var r = channel.Reader;
                while (true)
                {
                    while (r.TryRead(out var x))
                    {
                        sum += x;
                    }

                    if (!r.WaitToReadAsync().AsTask().Result)
                    {
                        break;
                    }
                }
            });
        return PerSecond(messages, start, Stopwatch.GetTimestamp(), sum);
    }

    private static double[] StcThreadsPingPong(int pings)
    {
        var ping = StcChannel<long>(1);
        var pong = StcChannel<long>(1);
        var samples = new double[pings];
        RunOnTwoThreads(
            () =>
            {
                for (var i = 0; i < pings; i++)
                {
                    Write(ping.Writer, Stopwatch.GetTimestamp());
                    samples[i] = OneWayMicroseconds(Read(pong.Reader), Stopwatch.GetTimestamp());
                }
            },
            () =>
            {
                for (var i = 0; i < pings; i++)
                {
                    Write(pong.Writer, Read(ping.Reader));
                }
            });
        return samples;

        static void Write(ChannelWriter<long> w, long x)
        {
            while (!w.TryWrite(x))
            {
                w.WaitToWriteAsync().AsTask().Wait();
            }
        }

        static long Read(ChannelReader<long> r)
        {
            long x;
            while (!r.TryRead(out x))
            {
                r.WaitToReadAsync().AsTask().Wait();
            }

            return x;
        }
    }

    private static void RunOnTwoThreads(Action first, Action second)
    {
        var threads = new[] { new Thread(() => first()), new Thread(() => second()) };
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
