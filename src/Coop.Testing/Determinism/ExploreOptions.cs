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

    /// <summary>Timing fuzz: how far each run moves every timer, sleep and deadline, and every
    /// simulated message's latency, as a fraction of its delay (0.5: anywhere from half to one and a
    /// half times it). 0, the default, keeps them on time, so only work ready at the same instant is
    /// reordered; a race that needs two delays to overlap is found only with fuzz. Shrinking removes
    /// the moves a failure does not need. Needs a seeded strategy (Random or Pct).</summary>
    public double TimingFuzz { get; init; }

    /// <summary>Run each schedule with a fresh <see cref="Coop.Testing.Simulation"/> on its loop
    /// (<see cref="Simulation.Current"/>): the body adds hosts, and the loop's network calls reach
    /// them, with faults drawn from the schedule's seed (default false: the real network).</summary>
    public bool Simulate { get; init; }

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

        if (!(TimingFuzz is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TimingFuzz), TimingFuzz, "Timing fuzz is a fraction of each delay: give a number from 0 (none) to below 1 (0.5 moves a delay by up to half of it).");
        }

        if (TimingFuzz > 0 && Strategy == ExploreStrategy.Exhaustive)
        {
            throw new ArgumentException("Timing fuzz draws from each schedule's seed, and exhaustive schedules have none: use Random or Pct with TimingFuzz.", nameof(TimingFuzz));
        }
    }

    /// <summary>These options with <see cref="Simulate"/> on.</summary>
    internal ExploreOptions Simulating() => With(simulate: true);

    /// <summary>A copy with the given settings changed.</summary>
    internal ExploreOptions With(int? schedules = null, long? seed = null, bool? simulate = null) => new()
    {
        Schedules = schedules ?? Schedules,
        Strategy = Strategy,
        Seed = seed ?? Seed,
        PctDepth = PctDepth,
        MaxSteps = MaxSteps,
        Shrink = Shrink,
        FailOnLeakedTasks = FailOnLeakedTasks,
        TimingFuzz = TimingFuzz,
        Simulate = simulate ?? Simulate,
    };
}
