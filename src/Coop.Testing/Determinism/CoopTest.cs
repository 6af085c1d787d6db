// The test-framework side of Explore (Trio's pytest plugin, in one static class): call it from an
// xunit [Fact] (or any framework's test) and it throws, with the seed and the shrunk schedule in
// the message, when some schedule fails. Two environment variables steer it without editing the
// test: COOP_SEED replays one seed (after a CI failure), COOP_SCHEDULES explores more or fewer.
using System.Globalization;

namespace Coop.Testing;

/// <summary>Runs a coroutine test body on a virtual clock under many schedules, for unit tests:
/// <c>[Fact] public void Transfer_IsAtomic() => CoopTest.Explore(() => TransferTest());</c></summary>
public static class CoopTest
{
    /// <summary>Explores <paramref name="schedules"/> schedules of <paramref name="body"/> and throws
    /// <see cref="ScheduleFailedException"/> at the first failing one. The environment variable
    /// COOP_SEED, when set, replays only that seed; COOP_SCHEDULES overrides the number of schedules.</summary>
    public static ExploreResult Explore(Func<Coroutine> body, int schedules = 100, ExploreStrategy strategy = ExploreStrategy.Random, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Explore(_ => body(), schedules, strategy, seed);
    }

    /// <summary>As <see cref="Explore(Func{Coroutine}, int, ExploreStrategy, long)"/>, for a body that
    /// registers <see cref="ScheduleProbes"/>.</summary>
    public static ExploreResult Explore(Func<ScheduleProbes, Coroutine> body, int schedules = 100, ExploreStrategy strategy = ExploreStrategy.Random, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Testing.Explore.Run(body, Steered(new ExploreOptions { Schedules = schedules, Strategy = strategy, Seed = seed }));
    }

    /// <summary>As <see cref="Explore(Func{Coroutine}, int, ExploreStrategy, long)"/>, with every
    /// setting of <paramref name="options"/> (timing fuzz, a simulation, PCT's depth, ...); COOP_SEED
    /// and COOP_SCHEDULES still apply.</summary>
    public static ExploreResult Explore(Func<Coroutine> body, ExploreOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        return Testing.Explore.Run(_ => body(), Steered(options));
    }

    /// <summary>Runs <paramref name="body"/> against a simulated network <paramref name="runs"/>
    /// times, each run with a fresh <see cref="Simulation"/> whose faults, timing and schedule come
    /// from its seed, and throws <see cref="ScheduleFailedException"/> at the first that fails, with
    /// its seed and the few faults it needs, as readable steps. COOP_SEED replays one seed,
    /// COOP_SCHEDULES changes the number of runs.</summary>
    /// <param name="body">The test: adds hosts to its simulation, then acts as the client.</param>
    /// <param name="runs">How many runs (seeds) to try.</param>
    /// <param name="timingFuzz">How far timers and latencies move (see <see cref="ExploreOptions.TimingFuzz"/>).</param>
    /// <param name="seed">The first run's seed; run i uses seed + i.</param>
    public static ExploreResult Simulate(Func<Simulation, Coroutine> body, int runs = 100, double timingFuzz = 0, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Testing.Explore.Simulate(body, Steered(new ExploreOptions { Schedules = runs, Seed = seed, TimingFuzz = timingFuzz }));
    }

    /// <summary>Runs <paramref name="body"/> once, in plain FIFO order, on a virtual clock, with the
    /// checks of <see cref="Testing.Explore"/> (deadlock, leaked tasks, unobserved errors); throws if it fails.</summary>
    public static void Run(Func<Coroutine> body)
    {
        var run = Testing.Explore.Replay(body, []);
        if (run.Failed)
        {
            throw new ScheduleFailedException($"The run failed: {run.Exception!.GetType().Name}: {run.Exception.Message}", run.Exception);
        }
    }

    /// <summary>The options with COOP_SEED (one run of that seed) or COOP_SCHEDULES applied.</summary>
    private static ExploreOptions Steered(ExploreOptions options)
    {
        if (ReadLong("COOP_SEED") is { } pinned)
        {
            return options.With(schedules: 1, seed: pinned);
        }

        return ReadLong("COOP_SCHEDULES") is { } count ? options.With(schedules: checked((int)count)) : options;
    }

    private static long? ReadLong(string name)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"The environment variable {name} is '{text}': set it to an integer, or unset it.");
    }
}
