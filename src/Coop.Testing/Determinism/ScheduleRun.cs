// The outcome of running a program once under a recorded schedule: what it threw (if anything), the
// choices the loop made, the perturbations the seed made (timing fuzz, network faults), and how long
// it ran in task steps and virtual time.
using System.Globalization;
using System.Text;

namespace Coop.Testing;

/// <summary>One run of a program under a recorded schedule (see <see cref="Explore"/>).</summary>
public sealed class ScheduleRun
{
    internal ScheduleRun(long? seed, IReadOnlyList<ScheduleChoice> trace, IReadOnlyList<Perturbation> perturbations, Exception? exception, int steps, TimeSpan virtualTime)
    {
        Seed = seed;
        Trace = trace;
        Perturbations = perturbations;
        Exception = exception;
        Steps = steps;
        VirtualTime = virtualTime;
        var last = trace.Count - 1;
        while (last >= 0 && trace[last].Index == 0)
        {
            last--;
        }

        Choices = trace.Take(last + 1).Select(c => c.Index).ToArray();
    }

    /// <summary>The seed the schedule came from, or null for a replayed list of choices.</summary>
    public long? Seed { get; }

    /// <summary>Every choice the loop made, in order.</summary>
    public IReadOnlyList<ScheduleChoice> Trace { get; }

    /// <summary>The schedule as choice indices, without the trailing FIFO choices: pass it to
    /// <see cref="Explore.Replay(Func{Coroutine}, IReadOnlyList{int}, ExploreOptions?)"/> to run it again.</summary>
    public IReadOnlyList<int> Choices { get; }

    /// <summary>The choices that differ from FIFO.</summary>
    public IReadOnlyList<ScheduleChoice> Deviations => Trace.Where(c => c.IsDeviation).ToList();

    /// <summary>Everything else the seed changed, in the order it happened: timers moved by timing
    /// fuzz, and the simulated network's faults and latencies. Replay them with
    /// <see cref="Explore.Replay(Func{Coroutine}, ScheduleRun, ExploreOptions?)"/>.</summary>
    public IReadOnlyList<Perturbation> Perturbations { get; }

    /// <summary>The network faults among <see cref="Perturbations"/>.</summary>
    public IReadOnlyList<Perturbation> Faults => Perturbations.Where(p => p.Kind == PerturbationKind.Fault).ToList();

    /// <summary>How far the run is from plain FIFO on time with no fault: its deviations plus its
    /// perturbations (what shrinking reduces).</summary>
    internal int Distance => Deviations.Count + Perturbations.Count;

    /// <summary>Why the run failed, or null if it passed.</summary>
    public Exception? Exception { get; }

    /// <summary>True when the run failed.</summary>
    public bool Failed => Exception != null;

    /// <summary>How many task steps the run took.</summary>
    public int Steps { get; }

    /// <summary>How much virtual time the run took.</summary>
    public TimeSpan VirtualTime { get; }

    /// <summary>The choices as C# code: <c>[0, 1, 0, 2]</c>.</summary>
    public string ChoicesAsCode => "[" + string.Join(", ", Choices.Select(c => c.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>The deviations from FIFO, one readable line each ("step 12: ran task 'B' before task 'A' (choice 1 of 2)").</summary>
    public string DescribeDeviations()
    {
        var text = new StringBuilder();
        foreach (var choice in Deviations)
        {
            text.Append("  ").Append(choice).Append('\n');
        }

        return text.Length == 0 ? "  (none: plain FIFO)\n" : text.ToString();
    }

    /// <summary>The perturbations, one readable line each, faults and timing in the order they happened
    /// ("at 0.021 s: the message 2 from 'bank' to 'client' ... was lost: ...").</summary>
    public string DescribePerturbations()
    {
        var text = new StringBuilder();
        foreach (var perturbation in Perturbations)
        {
            text.Append("  ").Append(perturbation).Append('\n');
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Failed ? "failed: " + Exception!.GetType().Name : "passed")}, {Trace.Count} choices ({Deviations.Count} deviations), {Perturbations.Count} perturbations ({Faults.Count} faults), {Steps} steps");
}
