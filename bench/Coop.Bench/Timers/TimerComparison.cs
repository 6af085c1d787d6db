// `coop-bench timers [--timers 1000000]`: the timer-queue comparison behind docs/design.md.
// 1,000,000 pending timers with seeded-random deadlines over 0-1000 ms (W3's shape, ten times
// bigger) are added, then drained as the loop would: each "iteration" advances time by 1 ms, asks
// NextDue (the loop's wait) and moves the due timers to a ready queue. Best of 7 rounds, round-robin.
using System.Diagnostics;
using System.Globalization;
using Coop.Core;

namespace Coop.Bench.Timers;

internal static class TimerComparison
{
    private static readonly Action<object?> Nothing = static _ => { };

    public static int Run(int n)
    {
        var unit = Stopwatch.Frequency / 1000;
        var d = Workloads.Measure.Durations(n, 1000, 42);
        var handles = new Handle[n];
        var rng = new Random(7);
        for (var i = 0; i < n; i++)
        {
            // sub-millisecond jitter: Coop's deadlines are timestamp ticks, not whole milliseconds
            handles[i] = new Handle(null, Nothing, null, (d[i] * unit) + rng.NextInt64(unit));
        }

        var structures = new (string Name, Func<(Action<Handle>, Func<long?>, Action<long, ReadyQueue>)> Make)[]
        {
            ("binary heap (Core/TimerQueue)", () =>
            {
                var q = new TimerQueue();
                return (q.Add, q.NextDue, q.MoveDue);
            }),
            ("4-ary heap", () =>
            {
                var q = new QuaternaryTimerHeap();
                return (q.Add, q.NextDue, q.MoveDue);
            }),
            ("hierarchical timing wheel", () =>
            {
                var q = new TimingWheel(0, Stopwatch.Frequency);
                return (q.Add, q.NextDue, q.MoveDue);
            }),
        };

        // Round-robin over the structures, so that JIT tiering and the machine's load hit all alike;
        // the first round is a warm-up.
        var best = new (double Add, double Drain)[structures.Length];
        Array.Fill(best, (double.MaxValue, double.MaxValue));
        for (var round = 0; round < 8; round++)
        {
            for (var k = 0; k < structures.Length; k++)
            {
                var (add, drain) = Measure(structures[k].Name, n, handles, unit, structures[k].Make);
                if (round > 0)
                {
                    best[k] = (Math.Min(best[k].Add, add), Math.Min(best[k].Drain, drain));
                }
            }
        }

        for (var k = 0; k < structures.Length; k++)
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0,-36} add {1,6:0.0} ns/timer   fire {2,6:0.0} ns/timer   total {3,6:0.0} ms",
                structures[k].Name, best[k].Add * 1e9 / n, best[k].Drain * 1e9 / n, (best[k].Add + best[k].Drain) * 1e3));
        }

        return 0;
    }

    private static (double Add, double Drain) Measure(string name, int n, Handle[] handles, long unit,
        Func<(Action<Handle> Add, Func<long?> NextDue, Action<long, ReadyQueue> MoveDue)> make)
    {
        var q = make();
        var ready = new ReadyQueue();
        var start = Stopwatch.GetTimestamp();
        foreach (var h in handles)
        {
            q.Add(h);
        }

        var add = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        var fired = 0;
        long lastDue = long.MinValue;
        var ordered = true;
        for (var now = 0L; fired < n; now += unit)
        {
            q.NextDue();
            q.MoveDue(now, ready);
            while (ready.Count > 0)
            {
                var due = ((Handle)ready.Dequeue().State!).Due;
                ordered &= due >= lastDue && due <= now;
                lastDue = due;
                fired++;
            }
        }

        var drain = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (!ordered)
        {
            throw new InvalidOperationException($"{name}: timers fired out of order or early");
        }

        return (add, drain);
    }
}
