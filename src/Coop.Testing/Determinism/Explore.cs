// Exploring schedules (the "seeded schedules"): run a test body under many seeded schedules
// on a virtual clock, stop at the first that fails, shrink it to the fewest deviations from FIFO
// (and perturbations: timing fuzz, simulated network faults) that still fail, and say how to replay
// it. Shrinking is in Explore.Shrinking.cs, cancellation injection in Explore.Cancellation.cs.
// Every run goes through ScheduleRunner on a fresh EventLoop; the loop's only part in this is the
// chooser seam (IScheduleChooser, which also says when timers fall due) and the virtual clock
// (VirtualClock, IIdleClock).
using Coop.Core;

namespace Coop.Testing;

/// <summary>
/// Runs a test body under many schedules to find the interleaving that breaks it, and replays a
/// schedule by its seed or its list of choices. Each run gets a fresh loop on a
/// <see cref="VirtualClock"/>, so sleeps cost nothing and runs are exactly reproducible.
/// </summary>
public static partial class Explore
{
    /// <summary>Runs <paramref name="body"/> under <see cref="ExploreOptions.Schedules"/> schedules
    /// and throws <see cref="ScheduleFailedException"/> (with the seed, the shrunk schedule and how to
    /// replay it) at the first that fails. A run fails when the body throws, deadlocks, livelocks,
    /// leaks a task or leaves an error unobserved.</summary>
    public static ExploreResult Run(Func<Coroutine> body, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Run(_ => body(), options);
    }

    /// <summary>As <see cref="Run(Func{Coroutine}, ExploreOptions?)"/>, for a body that registers
    /// <see cref="ScheduleProbes"/> checked after each run.</summary>
    public static ExploreResult Run(Func<ScheduleProbes, Coroutine> body, ExploreOptions? options = null)
    {
        var result = Search(body, options);
        return result.Failed ? throw new ScheduleFailedException(result) : result;
    }

    /// <summary>As <see cref="Run(Func{Coroutine}, ExploreOptions?)"/>, but returns the failure in
    /// the result instead of throwing.</summary>
    public static ExploreResult Search(Func<Coroutine> body, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Search(_ => body(), options);
    }

    /// <summary>As <see cref="Search(Func{Coroutine}, ExploreOptions?)"/>, with probes.</summary>
    public static ExploreResult Search(Func<ScheduleProbes, Coroutine> body, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= ExploreOptions.Default;
        options.Validate();
        if (options.Strategy == ExploreStrategy.Exhaustive)
        {
            return SearchExhaustively(body, options);
        }

        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var estimate = options.Strategy == ExploreStrategy.Pct ? EstimateSteps(body, options) : 0;
        for (var i = 0; i < options.Schedules; i++)
        {
            var seed = options.Seed + i;
            var run = RunSeed(body, seed, options, estimate);
            distinct.Add(string.Join(',', run.Choices));
            if (run.Failed)
            {
                var shrunk = options.Shrink ? Shrink(body, run, options) : null;
                return new ExploreResult(options, i + 1, distinct.Count, run, shrunk);
            }
        }

        return new ExploreResult(options, options.Schedules, distinct.Count, null, null);
    }

    /// <summary>Runs <paramref name="body"/> once under the schedule of <paramref name="seed"/>
    /// (with <paramref name="options"/>' strategy): the same seed gives the same run.</summary>
    public static ScheduleRun Replay(Func<Coroutine> body, long seed, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= ExploreOptions.Default;
        options.Validate();
        if (options.Strategy == ExploreStrategy.Exhaustive)
        {
            throw new ArgumentException(
                "Exhaustive schedules have no seed: replay one with Explore.Replay(body, choices), using the choices of its ScheduleRun.",
                nameof(options));
        }

        Func<ScheduleProbes, Coroutine> probed = _ => body();
        var estimate = options.Strategy == ExploreStrategy.Pct ? EstimateSteps(probed, options) : 0;
        return RunSeed(probed, seed, options, estimate);
    }

    /// <summary>Runs <paramref name="body"/> once making exactly <paramref name="choices"/> (a
    /// <see cref="ScheduleRun.Choices"/> list; past its end, FIFO), with no timing fuzz and no
    /// network fault. An empty list is plain FIFO.</summary>
    public static ScheduleRun Replay(Func<Coroutine> body, IReadOnlyList<int> choices, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(choices);
        return RunChoices(_ => body(), choices, Validated(options), []);
    }

    /// <summary>Runs <paramref name="body"/> again as <paramref name="run"/> ran: its choices and
    /// its perturbations (timers moved, network faults), and nothing else. Replaying a shrunk run
    /// (<see cref="ExploreResult.Shrunk"/>) shows the failure with only what it needs.</summary>
    public static ScheduleRun Replay(Func<Coroutine> body, ScheduleRun run, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(run);
        return RunChoices(_ => body(), run.Choices, Validated(options), run.Perturbations);
    }

    /// <summary>Runs <paramref name="body"/> as <see cref="Run(Func{Coroutine}, ExploreOptions?)"/>
    /// does, each schedule with a fresh <see cref="Simulation"/> (the body adds its hosts and runs as
    /// the client), and throws <see cref="ScheduleFailedException"/> at the first run that fails,
    /// shrunk to the faults, timing perturbations and deviations from FIFO it needs.</summary>
    public static ExploreResult Simulate(Func<Simulation, Coroutine> body, ExploreOptions? options = null)
    {
        var result = SearchSimulation(body, options);
        return result.Failed ? throw new ScheduleFailedException(result) : result;
    }

    /// <summary>As <see cref="Simulate"/>, but returns the failure in the result instead of throwing.</summary>
    public static ExploreResult SearchSimulation(Func<Simulation, Coroutine> body, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Search(_ => body(Simulation.Current), Validated(options).Simulating());
    }

    /// <summary>Runs a simulation once under the schedule, timing and faults of <paramref name="seed"/>:
    /// the same seed gives the same run.</summary>
    public static ScheduleRun ReplaySimulation(Func<Simulation, Coroutine> body, long seed, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Replay(() => body(Simulation.Current), seed, Validated(options).Simulating());
    }

    /// <summary>Runs a simulation again as <paramref name="run"/> ran: its choices, faults and timing
    /// perturbations, and no others (a shrunk run shows the failure with only what it needs).</summary>
    public static ScheduleRun ReplaySimulation(Func<Simulation, Coroutine> body, ScheduleRun run, ExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Replay(() => body(Simulation.Current), run, Validated(options).Simulating());
    }

    private static ExploreResult SearchExhaustively(Func<ScheduleProbes, Coroutine> body, ExploreOptions options)
    {
        IReadOnlyList<int>? next = [];
        var runs = 0;
        while (next != null && runs < options.Schedules)
        {
            var run = RunChoices(body, next, options, []);
            runs++;
            if (run.Failed)
            {
                var shrunk = options.Shrink ? Shrink(body, run, options) : null;
                return new ExploreResult(options, runs, runs, run, shrunk);
            }

            next = NextInOrder(run.Trace);
        }

        return new ExploreResult(options, runs, runs, null, null) { Exhausted = next == null };
    }

    /// <summary>The schedule after <paramref name="trace"/> in depth-first order: bump the last
    /// choice that has an untried alternative, drop what follows (FIFO from there on). Null when
    /// every choice is at its last alternative: the tree is exhausted.</summary>
    private static int[]? NextInOrder(IReadOnlyList<ScheduleChoice> trace)
    {
        for (var i = trace.Count - 1; i >= 0; i--)
        {
            if (trace[i].Index < trace[i].Count - 1)
            {
                var next = new int[i + 1];
                for (var j = 0; j < i; j++)
                {
                    next[j] = trace[j].Index;
                }

                next[i] = trace[i].Index + 1;
                return next;
            }
        }

        return null;
    }

    private static ScheduleRun RunSeed(Func<ScheduleProbes, Coroutine> body, long seed, ExploreOptions options, int estimate)
    {
        if (options.Strategy == ExploreStrategy.Pct)
        {
            var pct = new PctChooser(seed, options.PctDepth, estimate);
            return ScheduleRunner.Execute(body, pct, pct.Trace, seed, options);
        }

        var random = new RandomChooser(seed);
        return ScheduleRunner.Execute(body, random, random.Trace, seed, options);
    }

    private static ScheduleRun RunChoices(Func<ScheduleProbes, Coroutine> body, IReadOnlyList<int> choices, ExploreOptions options, IReadOnlyList<Perturbation> perturbations)
    {
        var replay = new ReplayChooser(choices);
        return ScheduleRunner.Execute(body, replay, replay.Trace, null, options, perturbations);
    }

    private static ExploreOptions Validated(ExploreOptions? options)
    {
        options ??= ExploreOptions.Default;
        options.Validate();
        return options;
    }

    /// <summary>PCT needs k, the number of choice points of a run: take it from the FIFO run, which is
    /// deterministic, so a PCT seed alone replays.</summary>
    private static int EstimateSteps(Func<ScheduleProbes, Coroutine> body, ExploreOptions options) =>
        Math.Max(1, RunChoices(body, [], options, []).Trace.Count);
}
