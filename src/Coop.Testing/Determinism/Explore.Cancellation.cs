// Cancellation injection: a coroutine must survive being canceled at any of its await points.
// A first FIFO run counts the await points at which the target task suspends; then the body runs
// once per point k, canceled right after its k-th suspension. After each run the usual checks
// apply (no task leaked, no error unobserved, every ScheduleProbes.Finally left, every invariant
// holds); being canceled is the expected outcome, not a failure.

namespace Coop.Testing;

public static partial class Explore
{
    /// <summary>As <see cref="CancelAtEachAwait(Func{ScheduleProbes, Coroutine}, string, ExploreOptions?)"/>,
    /// for a body without probes (it is still checked for leaked tasks and unobserved errors).</summary>
    public static int CancelAtEachAwait(Func<Coroutine> body, string target = "main", ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return CancelAtEachAwait(_ => body(), target, options);
    }

    /// <summary>Runs <paramref name="body"/> once per await point of the task named
    /// <paramref name="target"/> ("main", the body itself, by default), canceling it at that point,
    /// and throws <see cref="ScheduleFailedException"/> at the first point where a check fails.
    /// Returns how many await points were tried.</summary>
    public static int CancelAtEachAwait(Func<ScheduleProbes, Coroutine> body, string target = "main", ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(target);
        options ??= ExploreOptions.Default;
        options.Validate();

        var points = 0;
        var plain = RunFifo(body, options, task =>
        {
            if (task.Name == target && !task.IsDone)
            {
                points++;
            }

            return false;
        });
        if (plain.Failed)
        {
            throw new ScheduleFailedException($"The body fails even without cancellation: {plain.Exception!.Message}", plain.Exception);
        }

        for (var k = 1; k <= points; k++)
        {
            var seen = 0;
            var at = k;
            var run = RunFifo(body, options, task =>
            {
                if (task.Name == target && !task.IsDone && ++seen == at)
                {
                    task.Cancel($"Injected at await point {at}.");
                }

                return false;
            });
            if (run.Failed)
            {
                throw new ScheduleFailedException(
                    $"Canceling task '{target}' at its await point {k} of {points} broke the program: "
                    + $"{run.Exception!.GetType().Name}: {run.Exception.Message}",
                    run.Exception);
            }
        }

        return points;
    }

    private static ScheduleRun RunFifo(Func<ScheduleProbes, Coroutine> body, ExploreOptions options, Func<CoopTask, bool> afterStep)
    {
        var fifo = new ReplayChooser([]);
        return ScheduleRunner.Execute(body, fifo, fifo.Trace, null, options, cancelAfterStep: afterStep);
    }
}
