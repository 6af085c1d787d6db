using System.Globalization;
using System.Text;

namespace Coop.Testing;

/// <summary>What <see cref="Explore"/> found: how many schedules it ran and, if one failed, that run
/// and its shrunk form.</summary>
public sealed class ExploreResult
{
    internal ExploreResult(ExploreOptions options, int schedulesRun, int distinctSchedules, ScheduleRun? failure, ScheduleRun? shrunk)
    {
        Options = options;
        SchedulesRun = schedulesRun;
        DistinctSchedules = distinctSchedules;
        Failure = failure;
        Shrunk = shrunk;
    }

    /// <summary>The options the exploration ran with.</summary>
    public ExploreOptions Options { get; }

    /// <summary>How many schedules ran (up to and including the failing one).</summary>
    public int SchedulesRun { get; }

    /// <summary>How many of them were different schedules.</summary>
    public int DistinctSchedules { get; }

    /// <summary>The first failing run, or null if every schedule passed.</summary>
    public ScheduleRun? Failure { get; }

    /// <summary>The failing run shrunk to its fewest deviations from FIFO, or null.</summary>
    public ScheduleRun? Shrunk { get; }

    /// <summary>True when the exhaustive strategy tried every schedule the program has (within the
    /// budget): a passing result then proves no interleaving breaks it.</summary>
    public bool Exhausted { get; internal init; }

    /// <summary>True when a schedule failed.</summary>
    public bool Failed => Failure != null;

    /// <summary>A readable report: the failing seed, the error, how to replay, the shrunk schedule.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        if (Failure == null)
        {
            text.Append(Options.Strategy == ExploreStrategy.Exhaustive
                ? string.Create(inv, $"All {SchedulesRun} schedules passed (strategy Exhaustive{(Exhausted ? ": that is every schedule" : ", budget reached before the end")}).\n")
                : string.Create(inv, $"All {SchedulesRun} schedules passed ({DistinctSchedules} distinct, strategy {Options.Strategy}, seeds {Options.Seed}..{Options.Seed + SchedulesRun - 1}).\n"));
            return text.ToString();
        }

        var settings = new List<string>();
        if (Options.Strategy == ExploreStrategy.Pct)
        {
            settings.Add(string.Create(inv, $"Strategy = ExploreStrategy.Pct, PctDepth = {Options.PctDepth}"));
        }

        if (Options.TimingFuzz > 0)
        {
            settings.Add(string.Create(inv, $"TimingFuzz = {Options.TimingFuzz}"));
        }

        var strategy = settings.Count == 0 ? "" : $", new ExploreOptions {{ {string.Join(", ", settings)} }}";
        var replay = Options.Simulate ? "Explore.ReplaySimulation" : "Explore.Replay";
        if (Failure.Seed is { } seed)
        {
            text.Append(inv, $"Schedule {SchedulesRun} of {Options.Schedules} failed (seed {seed}, strategy {Options.Strategy}): ")
                .Append(Failure.Exception!.GetType().Name).Append(": ").Append(Failure.Exception.Message).Append('\n')
                .Append(inv, $"Replay it with {replay}(body, seed: {seed}{strategy}), or in a CoopTest/[CoopFact] test with COOP_SEED={seed}.\n");
        }
        else
        {
            text.Append(inv, $"Schedule {SchedulesRun} of {Options.Schedules} failed (strategy {Options.Strategy}): ")
                .Append(Failure.Exception!.GetType().Name).Append(": ").Append(Failure.Exception.Message).Append('\n')
                .Append("Replay it with Explore.Replay(body, ").Append(Failure.ChoicesAsCode).Append(").\n");
        }

        if (Shrunk != null && Failure.Perturbations.Count == 0)
        {
            text.Append(Shrunk.Deviations.Count == Failure.Deviations.Count
                    ? string.Create(inv, $"It needs {Shrunk.Deviations.Count} deviation(s) from FIFO (already minimal); ")
                    : string.Create(inv, $"Shrunk from {Failure.Deviations.Count} to {Shrunk.Deviations.Count} deviation(s) from FIFO; "))
                .Append("replay with Explore.Replay(body, ").Append(Shrunk.ChoicesAsCode).Append("):\n")
                .Append(Shrunk.DescribeDeviations());
        }
        else if (Shrunk != null)
        {
            text.Append(inv, $"Shrunk from {Size(Failure)} to {Size(Shrunk)}; replay it with {replay}(body, result.Shrunk):\n")
                .Append(Shrunk.DescribePerturbations());
            if (Shrunk.Deviations.Count > 0)
            {
                text.Append("  and the schedule's deviations from FIFO:\n").Append(Shrunk.DescribeDeviations());
            }
        }
        else
        {
            text.Append("Its deviations from FIFO:\n").Append(Failure.DescribeDeviations());
            if (Failure.Perturbations.Count > 0)
            {
                text.Append("Its perturbations:\n").Append(Failure.DescribePerturbations());
            }
        }

        return text.ToString();
    }

    /// <summary>"2 faults, 1 timing perturbation and 0 deviations from FIFO".</summary>
    private static string Size(ScheduleRun run)
    {
        var faults = run.Faults.Count;
        var timing = run.Perturbations.Count - faults;
        return string.Create(CultureInfo.InvariantCulture,
            $"{faults} fault{(faults == 1 ? "" : "s")}, {timing} timing perturbation{(timing == 1 ? "" : "s")} and {run.Deviations.Count} deviation{(run.Deviations.Count == 1 ? "" : "s")} from FIFO");
    }
}
