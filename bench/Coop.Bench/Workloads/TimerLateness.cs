// Timer lateness under load (issue 10): N tasks yield in a loop (or Sleep(0) in a loop) while one
// task sleeps a fixed period again and again; how late each of its wake-ups is, in ms. One pass over
// N ready tasks takes milliseconds, so this shows whether timers wait for the pass to end.
//   coop-bench lateness [--tasks 100000] [--period-ms 10] [--seconds 3] [--sleep0 1] [--kind async|generator]
// Prints one JSON line: wake-ups, lateness p50/p99/max (ms), and the yields per second the busy tasks made.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Coop.Bench.Workloads;

internal static class TimerLateness
{
    public static int Run(string[] args)
    {
        var o = new Options(["lateness", .. args]);
        int tasks = o.Int("tasks", 100_000), periodMs = o.Int("period_ms", 10), seconds = o.Int("seconds", 3);
        var sleep0 = o.Int("sleep0", 0) != 0;
        var generator = o.Kind == "generator";
        var late = new List<double>();
        long yields = 0;
        var stop = false;
        var elapsed = 0.0;

        async Coroutine Busy()
        {
            while (!stop)
            {
                yields++;
                if (sleep0)
                {
                    await Coroutine.Sleep(0);
                }
                else
                {
                    await Coroutine.Yield();
                }
            }
        }

        IEnumerable<object?> BusyGenerator()
        {
            while (!stop)
            {
                yields++;
                yield return sleep0 ? Coroutine.Sleep(0) : null;
            }
        }

        async Coroutine Periodic()
        {
            var end = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end)
            {
                var t0 = Stopwatch.GetTimestamp();
                await Coroutine.Sleep(periodMs / 1000.0);
                late.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds - periodMs);
            }

            stop = true;
        }

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var busy = new CoopTask[tasks];
            for (var i = 0; i < tasks; i++)
            {
                busy[i] = generator ? loop.CreateTask(BusyGenerator()) : loop.CreateTask(Busy());
            }

            await Coroutine.Sleep(0.2); // every busy task is running: the loop is loaded
            var start = Stopwatch.GetTimestamp();
            await loop.CreateTask(Periodic());
            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            foreach (var t in busy)
            {
                await t;
            }
        }

        using (var loop = new EventLoop())
        {
            loop.RunUntilComplete(Main());
        }

        late.Sort();
        double Pct(double p) => late[Math.Min(late.Count - 1, (int)Math.Ceiling(p * late.Count) - 1)];
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            workload = "lateness",
            kind = generator ? "generator" : "async",
            busy = sleep0 ? "Sleep(0)" : "Yield",
            tasks,
            period_ms = periodMs,
            wakeups = late.Count,
            late_p50_ms = Math.Round(Pct(0.50), 3),
            late_p99_ms = Math.Round(Pct(0.99), 3),
            late_max_ms = Math.Round(late[^1], 3),
            yields_per_s = Math.Round(yields / elapsed / 1e6, 2).ToString(CultureInfo.InvariantCulture) + "M",
        }));
        return 0;
    }
}
