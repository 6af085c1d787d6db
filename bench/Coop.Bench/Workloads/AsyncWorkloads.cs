// W1-W5 with async coroutines (`async Coroutine` methods, Coop's own builder) on the event loop:
// `await Coroutine.Yield()` yields, `await future` waits, `await Level(k - 1)` nests in the same task.
using System.Diagnostics;

namespace Coop.Bench.Workloads;

internal static class AsyncWorkloads
{
    private const string Impl = "coop (async)";

    public static void Run(Options o)
    {
        switch (o.Workload)
        {
            case "W1": W1(o); break;
            case "W2": W2(o); break;
            case "W3": W3(o); break;
            case "W4": W4(o); break;
            case "W5": W5(o); break;
            default: throw new ArgumentException($"unknown workload {o.Workload}");
        }
    }

    // ------------------------------------------------------------ W1
    internal static async Coroutine Switcher(int yields, Counter done)
    {
        for (var k = 0; k < yields; k++)
        {
            await Coroutine.Yield();
        }

        done.Value++;
    }

    private static void W1(Options o)
    {
        int tasks = o.Int("tasks", 1000), yields = o.Int("yields", 10000);
        var done = new Counter();
        var elapsed = 0.0;
        var cpu = 0.0; // the process CPU of the timed region, read just outside it

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var cpu0 = Measure.CpuSeconds();
            var start = Stopwatch.GetTimestamp();
            var handles = new CoopTask[tasks];
            for (var i = 0; i < tasks; i++)
            {
                handles[i] = loop.CreateTask(Switcher(yields, done));
            }

            foreach (var t in handles)
            {
                await t;
            }

            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            cpu = Measure.CpuSeconds() - cpu0;
        }

        using var loop = new EventLoop();
        loop.RunUntilComplete(Main());
        Report.W1(Impl, tasks, yields, elapsed, done.Value, cpu: cpu);
    }

    // ------------------------------------------------------------ W2
#pragma warning disable CS1998 // the body returns at once: that is the workload
    internal static async Coroutine<int> Value(int i) => i;
#pragma warning restore CS1998

    private static void W2(Options o)
    {
        var n = o.Int("tasks", 1_000_000);
        var rss0 = Measure.StatusKiB("VmRSS");
        var elapsed = 0.0;
        long sum = 0;

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var start = Stopwatch.GetTimestamp();
            var handles = new CoopTask<int>[n];
            for (var i = 0; i < n; i++)
            {
                handles[i] = loop.CreateTask(Value(i)); // the body runs on a later turn
            }

            foreach (var t in handles)
            {
                sum += await t;
            }

            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        using var loop = new EventLoop();
        loop.RunUntilComplete(Main());
        Report.W2(Impl, n, elapsed, sum, rss0);
    }

    // ------------------------------------------------------------ W3
    private static async Coroutine Sleeper(int i, int ms, SleepLog log)
    {
        var t0 = Stopwatch.GetTimestamp();
        log.LastStart = t0;
        await Coroutine.Sleep(ms / 1000.0);
        log.Late[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds - ms;
    }

    private static void W3(Options o)
    {
        int n = o.Int("tasks", 100_000), maxMs = o.Int("max_ms", 1000), seed = o.Int("seed", 42);
        var d = Measure.Durations(n, maxMs, (uint)seed);
        var log = new SleepLog(n);
        var start = 0L;
        var wall = 0.0;
        var cpu = 0.0;

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var cpu0 = Measure.CpuSeconds();
            start = Stopwatch.GetTimestamp();
            var handles = new CoopTask[n];
            for (var i = 0; i < n; i++)
            {
                handles[i] = loop.CreateTask(Sleeper(i, d[i], log));
            }

            foreach (var t in handles)
            {
                await t;
            }

            wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            cpu = Measure.CpuSeconds() - cpu0;
        }

        using var loop = new EventLoop();
        loop.RunUntilComplete(Main());
        Report.W3(Impl, n, maxMs, seed, d, log, start, wall, cpu);
    }

    // ------------------------------------------------------------ W4
    private static async Coroutine Waiter(Future ev, WaitCount count)
    {
        count.Started++;
        await ev;
        count.Finished++;
    }

    private static void W4(Options o)
    {
        var n = o.Int("tasks", 1_000_000);
        var count = new WaitCount();
        long rssBefore = 0, rssAfter = 0;
        var early = 0;
        var release = 0.0;

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var ev = loop.CreateFuture();
            Measure.FullGc();
            rssBefore = Measure.StatusKiB("VmRSS");
            var handles = new CoopTask[n];
            for (var i = 0; i < n; i++)
            {
                handles[i] = loop.CreateTask(Waiter(ev, count));
            }

            while (count.Started < n)
            {
                await Coroutine.Yield();
            }

            early = count.Finished;
            Measure.FullGc();
            rssAfter = Measure.StatusKiB("VmRSS");
            var start = Stopwatch.GetTimestamp();
            ev.SetResult();
            foreach (var t in handles)
            {
                await t;
            }

            release = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        using var loop = new EventLoop();
        loop.RunUntilComplete(Main());
        Report.W4(Impl, n, rssBefore, rssAfter, release, early, count.Finished);
    }

    // ------------------------------------------------------------ W5
    internal static async Coroutine<int> Level(int k, int yields)
    {
        if (k == 0)
        {
            for (var i = 0; i < yields; i++)
            {
                await Coroutine.Yield();
            }

            return 0;
        }

        return await Level(k - 1, yields);
    }

    private static void W5(Options o)
    {
        int depth = o.Int("depth", 1000), yields = o.Int("yields", 10000);
        double el1 = double.MaxValue, el = double.MaxValue;
        var ok = true;

        async Coroutine Main()
        {
            await Level(0, yields); // warm-up passes, not reported
            await Level(depth - 1, yields);
            for (var rep = 0; rep < 3; rep++) // best of three timed passes
            {
                var start = Stopwatch.GetTimestamp();
                var r1 = await Level(0, yields);
                el1 = Math.Min(el1, Stopwatch.GetElapsedTime(start).TotalSeconds);
                start = Stopwatch.GetTimestamp();
                var r = await Level(depth - 1, yields);
                el = Math.Min(el, Stopwatch.GetElapsedTime(start).TotalSeconds);
                ok = ok && r1 == 0 && r == 0;
            }
        }

        using var loop = new EventLoop();
        loop.RunUntilComplete(Main());
        Report.W5(Impl, depth, yields, el, el1, ok);
    }
}
