namespace Coop.Testing;

/// <summary>Settings for <see cref="Explore"/>.</summary>
public sealed class ExploreOptions
{
    /// <summary>How many schedules to try (default 100).</summary>
    public int Schedules { get; init; } = 100;

    /// <summary>How schedules are picked (default <see cref="ExploreStrategy.Random"/>).</summary>
    public ExploreStrategy Strategy { get; init; } = ExploreStrategy.Random;

    /// <summary>The first schedule's seed; schedule i uses Seed + i (default 1, so a test explores
    /// the same schedules on every run; change it to explore others).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>PCT's bug depth d: how many priority change points (d - 1) a run gets (default 3).</summary>
    public int PctDepth { get; init; } = 3;

    /// <summary>A run that takes more task steps than this fails as a livelock (default 1,000,000).</summary>
    public int MaxSteps { get; init; } = 1_000_000;

    /// <summary>Reduce a failing schedule to the fewest deviations from FIFO that still fail (default true).</summary>
    public bool Shrink { get; init; } = true;

    /// <summary>Fail a run whose main coroutine ends while tasks it started are still alive (default true).</summary>
    public bool FailOnLeakedTasks { get; init; } = true;

    internal static ExploreOptions Default { get; } = new();

    internal void Validate()
    {
        if (Schedules < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Schedules), Schedules, "Explore at least one schedule.");
        }

        if (PctDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PctDepth), PctDepth, "PCT's depth is at least 1 (1 means no priority changes).");
        }

        if (MaxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "Allow at least one step per run.");
        }
    }
}
