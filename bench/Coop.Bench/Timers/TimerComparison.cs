// `coop-bench timers [--timers 1000000]`: the timer-queue comparison behind docs/design.md.
// 1,000,000 pending timers with seeded-random deadlines over 0-1000 ms (W3's shape, ten times
// bigger) are added, then drained as the loop would: each "iteration" advances time by 1 ms, asks
// NextDue (the loop's wait) and moves the due timers to a ready queue. Best of 5 per structure.
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

        Measure("binary heap (Core/TimerQueue)", n, handles, unit, () =>
        {
            var q = new TimerQueue();
            return (q.Add, q.NextDue, q.MoveDue);
        });
        Measure("4-ary heap", n, handles, unit, () =>
        {
            var q = new QuaternaryTimerHeap();
            return (q.Add, q.NextDue, q.MoveDue);
        });
        Measure("hierarchical timing wheel", n, handles, unit, () =>
        {
            var q = new TimingWheel(0, Stopwatch.Frequency);
            return (q.Add, q.NextDue, q.MoveDue);
        });
        return 0;
    }

    private static void Measure(string name, int n, Handle[] handles, long unit,
        Func<(Action<Handle> Add, Func<long?> NextDue, Action<long, ReadyQueue> MoveDue)> make)
    {
        double bestAdd = double.MaxValue, bestDrain = double.MaxValue;
        for (var rep = 0; rep < 5; rep++)
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

            bestAdd = Math.Min(bestAdd, add);
            bestDrain = Math.Min(bestDrain, drain);
        }

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0,-32} add {1,6:0.0} ns/timer   fire {2,6:0.0} ns/timer   total {3,6:0.0} ms",
            name, bestAdd * 1e9 / n, bestDrain * 1e9 / n, (bestAdd + bestDrain) * 1e3));
    }
}
