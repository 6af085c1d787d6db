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
        if (ReadLong("COOP_SEED") is { } pinned)
        {
            seed = pinned;
            schedules = 1;
        }
        else if (ReadLong("COOP_SCHEDULES") is { } count)
        {
            schedules = checked((int)count);
        }

        return Testing.Explore.Run(body, new ExploreOptions { Schedules = schedules, Strategy = strategy, Seed = seed });
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
