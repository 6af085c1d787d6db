// Shrinking a failing run (delta debugging, Zeller and Hildebrandt 2002): a random run deviates from
// plain FIFO at many points, and with timing fuzz or simulated faults it also moves many timers and
// hits many messages; usually one or two of all these matter. The units are the run's deviations
// from FIFO (positions in its list of choices) and its perturbations (by key). Try removing half of
// them, then quarters, ... then one at a time, keeping any removal after which the run still fails
// the same way (same exception type; for a failed host, the same inner type too). The result is
// 1-minimal: removing any one unit left makes the run pass or fail differently.
// A candidate replays the kept choices positionally and the kept perturbations by key, so removing a
// fault does not move the others to other messages.
namespace Coop.Testing;

public static partial class Explore
{
    /// <summary>Reduces a failing run to the fewest deviations from FIFO and perturbations (timing
    /// fuzz, network faults) that still fail the same way (delta debugging). The result is 1-minimal:
    /// undoing any one of what is left makes the run pass or fail differently.</summary>
    public static ScheduleRun Shrink(Func<Coroutine> body, ScheduleRun failing, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Shrink(_ => body(), failing, Validated(options));
    }

    internal static ScheduleRun Shrink(Func<ScheduleProbes, Coroutine> body, ScheduleRun failing, ExploreOptions options)
    {
        ArgumentNullException.ThrowIfNull(failing);
        if (!failing.Failed)
        {
            throw new ArgumentException("Only a failing run can be shrunk: this one passed.", nameof(failing));
        }

        var best = failing;
        var granularity = 2;
        for (var budget = 1000; budget > 0;)
        {
            var units = Units(best);
            if (units.Count == 0)
            {
                break;
            }

            granularity = Math.Min(granularity, units.Count);
            var chunk = (units.Count + granularity - 1) / granularity;
            ScheduleRun? smaller = null;
            for (var start = 0; start < units.Count && budget > 0; start += chunk, budget--)
            {
                var removed = units.Skip(start).Take(chunk).ToList();
                var choices = best.Choices.ToArray();
                foreach (var unit in removed)
                {
                    if (unit.Perturbation == null)
                    {
                        choices[unit.Position] = 0;
                    }
                }

                var kept = best.Perturbations.Where(p => !removed.Exists(u => u.Perturbation == p)).ToList();
                var run = RunChoices(body, choices, options, kept);
                if (run.Failed && SameFailure(run.Exception!, failing.Exception!) && run.Distance < best.Distance)
                {
                    smaller = run;
                    break;
                }
            }

            if (smaller != null)
            {
                best = smaller;
                granularity = Math.Max(granularity - 1, 2);
            }
            else if (chunk == 1)
            {
                break; // no single unit can go: 1-minimal
            }
            else
            {
                granularity *= 2;
            }
        }

        return best;
    }

    /// <summary>What shrinking may remove: faults first (the most telling to keep few of), then
    /// timing perturbations, then deviations from FIFO.</summary>
    private static List<(int Position, Perturbation? Perturbation)> Units(ScheduleRun run)
    {
        var units = new List<(int, Perturbation?)>();
        units.AddRange(run.Perturbations.Where(p => p.Kind == PerturbationKind.Fault).Select(p => (-1, (Perturbation?)p)));
        units.AddRange(run.Perturbations.Where(p => p.Kind != PerturbationKind.Fault).Select(p => (-1, (Perturbation?)p)));
        for (var i = 0; i < run.Choices.Count; i++)
        {
            if (run.Choices[i] != 0)
            {
                units.Add((i, null));
            }
        }

        return units;
    }

    private static bool SameFailure(Exception candidate, Exception original) =>
        candidate.GetType() == original.GetType()
        && (original is not SimulatedHostException || candidate.InnerException?.GetType() == original.InnerException?.GetType());
}
