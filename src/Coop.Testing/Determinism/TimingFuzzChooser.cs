// Timing fuzz: the loop asks its chooser when each timer it schedules is due (IScheduleChooser.
// ChooseDue: sleeps, CallLater/CallAt, cancel-scope deadlines), and this chooser moves the deadline
// within ±TimingFuzz of its delay. Plain exploration permutes only what is ready at the same instant,
// so a race that needs two latencies to overlap is never tried unless the test lines its deadlines
// up by hand; moving the deadlines tries them. Scheduling choices go to the wrapped chooser.
// A timer is named by the task that scheduled it and a count ("sleep 3 of task 'refresher'"), so a
// shrunk list of perturbations replays on the same timers. The simulated network's own timers are
// left alone: it draws its messages' latencies itself (Simulation).
using System.Globalization;
using Coop.Core;

namespace Coop.Testing;

internal sealed class TimingFuzzChooser(IScheduleChooser inner, PerturbationSource source) : IScheduleChooser
{
    public int ChooseNext(ReadyQueue ready, int candidates) => inner.ChooseNext(ready, candidates);

    public long ChooseDue(long now, long due, object? timer)
    {
        if (due <= now || due == long.MaxValue || timer is NetworkEvent)
        {
            return due;
        }

        var (what, owner) = Describe(timer);
        var n = source.Next(owner);
        var key = string.Create(CultureInfo.InvariantCulture, $"timer {n} of {owner}");
        double factor;
        if (source.IsReplaying)
        {
            if (!source.TryReplay(key, out var listed))
            {
                return due;
            }

            factor = listed.Values[0];
        }
        else if (source.TimingFuzz > 0)
        {
            factor = 1 + (source.TimingFuzz * ((2 * source.NextTiming()) - 1));
        }
        else
        {
            return due;
        }

        var delay = due - now;
        var moved = now + Math.Max(0, (long)Math.Round(delay * factor));
        if (moved == due)
        {
            return due;
        }

        source.Record(PerturbationKind.Timing, key, string.Create(
            CultureInfo.InvariantCulture,
            $"timer {n} of {owner}, a {what} of {Seconds(delay)}, fired after {Seconds(moved - now)}"), factor);
        return moved;
    }

    private static string Seconds(long ticks) => string.Create(CultureInfo.InvariantCulture, $"{ticks / (double)TimeSpan.TicksPerSecond:0.###} s");

    private static (string What, string Owner) Describe(object? timer)
    {
        var owner = CoopTask.Current is { } task ? $"task '{task.Name}'" : "the loop's callbacks";
        var what = timer switch
        {
            TimerFuture => "sleep",
            CancelScope => "deadline",
            _ => "timer",
        };
        return (what, owner);
    }
}
