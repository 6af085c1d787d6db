// The loop's System.Diagnostics.Metrics instruments (meter "Coop.EventLoop"), which dotnet-counters
// and OpenTelemetry read with no code of the user's. The gauges and the item counter are observed:
// they read what the loop keeps anyway (its counts, how late it fired its last due timer) only when a
// listener collects, so a loop nobody measures pays nothing. Each loop is one series, tagged
// coop.loop with its number. Reads come from the collector's thread: they are single-word reads of
// counts, fine to be a moment stale.
using System.Diagnostics.Metrics;

namespace Coop.Diagnostics;

internal static class LoopMetrics
{
    public const string MeterName = "Coop.EventLoop";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly List<(WeakReference<EventLoop> Loop, KeyValuePair<string, object?> Tag)> s_loops = [];
    private static int s_lastNumber;

    private static readonly Counter<long> s_slowSteps = s_meter.CreateCounter<long>(
        "coop.loop.slow_steps", "{step}", "Task steps longer than the slow-step threshold (debug mode measures steps).");

    private static readonly Counter<long> s_errors = s_meter.CreateCounter<long>(
        "coop.loop.errors", "{error}", "Errors the loop reported to its exception handler: unhandled task errors, throwing callbacks.");

    static LoopMetrics()
    {
        s_meter.CreateObservableCounter("coop.loop.items", () => Observe(l => l.ItemsRun), "{item}",
            "Task steps and callbacks the loop has run (its rate is the steps and callbacks per second).");
        s_meter.CreateObservableGauge("coop.loop.tasks.live", () => Observe(l => l.LiveTaskCount), "{task}", "Tasks that have not finished.");
        s_meter.CreateObservableGauge("coop.loop.ready_queue.length", () => Observe(l => l.ReadyCount), "{item}", "Items waiting in the ready queue.");
        s_meter.CreateObservableGauge("coop.loop.timers.pending", () => Observe(l => l.TimerHeapCount), "{timer}", "Timers and sleeps pending (canceled ones not yet dropped included).");
        s_meter.CreateObservableGauge("coop.loop.lag", () => Observe(l => l.LastTimerLag / (double)l.TimeProvider.TimestampFrequency), "s",
            "How late the loop ran the last timer that was due: the loop lag.");
    }

    /// <summary>Adds <paramref name="loop"/> to the series the meter reports.</summary>
    public static void Register(EventLoop loop)
    {
        lock (s_loops)
        {
            s_loops.RemoveAll(static e => !e.Loop.TryGetTarget(out var l) || l.IsClosed);
            s_loops.Add((new WeakReference<EventLoop>(loop), new("coop.loop", ++s_lastNumber)));
        }
    }

    /// <summary>Counts a slow step.</summary>
    public static void SlowStep() => s_slowSteps.Add(1);

    /// <summary>Counts an error the loop reported.</summary>
    public static void Error() => s_errors.Add(1);

    private static List<Measurement<T>> Observe<T>(Func<EventLoop, T> read)
        where T : struct
    {
        var measurements = new List<Measurement<T>>();
        lock (s_loops)
        {
            foreach (var (weak, tag) in s_loops)
            {
                if (weak.TryGetTarget(out var loop) && !loop.IsClosed)
                {
                    measurements.Add(new Measurement<T>(read(loop), tag));
                }
            }
        }

        return measurements;
    }
}
