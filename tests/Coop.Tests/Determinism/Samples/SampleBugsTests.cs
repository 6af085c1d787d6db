using Coop.Tests.Support;

namespace Coop.Tests.Determinism.Samples;

/// <summary>Each sample bug passes under FIFO, is found by exploration within a stated number of
/// schedules (from the default seed), replays from its seed and from its shrunk choices, and its
/// fixed version passes every explored schedule under both strategies.</summary>
public class SampleBugsTests
{
    public static TheoryData<string> Bugs => new() { "check-then-act", "lost update", "lock ordering", "missed wake-up" };

    private static Func<Coroutine> Program(string bug, bool fixedVersion) => bug switch
    {
        "check-then-act" => () => SampleBugs.CheckThenAct(fixedVersion),
        "lost update" => () => SampleBugs.LostUpdate(fixedVersion),
        "lock ordering" => () => SampleBugs.LockOrdering(fixedVersion),
        "missed wake-up" => () => SampleBugs.MissedWakeup(fixedVersion),
        _ => throw new ArgumentOutOfRangeException(nameof(bug), bug, "unknown sample"),
    };

    private static Type Expected(string bug) =>
        bug is "lock ordering" or "missed wake-up" ? typeof(DeadlockException) : typeof(InvalidOperationException);

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Buggy_UnderFifo_Passes(string bug)
    {
        var run = Bounded.Run(() => Explore.Replay(Program(bug, false), []));
        Assert.False(run.Failed, run.Exception?.Message);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Buggy_RandomExploration_FindsItWithin10Schedules_AndReplaysIt(string bug)
    {
        var body = Program(bug, false);
        var result = Bounded.Run(() => Explore.Search(body, new ExploreOptions { Schedules = 10 }));
        Assert.True(result.Failed, $"{bug} not found in 10 schedules");
        Assert.IsType(Expected(bug), result.Failure!.Exception);

        var bySeed = Bounded.Run(() => Explore.Replay(body, result.Failure.Seed!.Value));
        Assert.Equal(result.Failure.Trace, bySeed.Trace);
        Assert.IsType(Expected(bug), bySeed.Exception);

        var shrunk = result.Shrunk!;
        Assert.Single(shrunk.Deviations); // each sample needs exactly one task to run out of FIFO order
        var byChoices = Bounded.Run(() => Explore.Replay(body, shrunk.Choices));
        Assert.IsType(Expected(bug), byChoices.Exception);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Buggy_PctExploration_FindsItWithin10Schedules(string bug)
    {
        var result = Bounded.Run(() => Explore.Search(Program(bug, false), new ExploreOptions { Schedules = 10, Strategy = ExploreStrategy.Pct }));
        Assert.True(result.Failed, $"{bug} not found by PCT in 10 schedules");
        Assert.IsType(Expected(bug), result.Failure!.Exception);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Buggy_ExhaustiveExploration_FindsItWithin5Schedules(string bug)
    {
        var result = Bounded.Run(() => Explore.Search(Program(bug, false), new ExploreOptions { Schedules = 5, Strategy = ExploreStrategy.Exhaustive }));
        Assert.True(result.Failed, $"{bug} not found by exhaustive search in 5 schedules");
        Assert.IsType(Expected(bug), result.Failure!.Exception);
        Assert.Null(result.Failure.Seed);
        Assert.Contains("Explore.Replay(body, [", result.Report(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Fixed_PassesEverySchedule_Exhaustively(string bug)
    {
        var result = Bounded.Run(() => Explore.Search(Program(bug, true), new ExploreOptions { Schedules = 10_000, Strategy = ExploreStrategy.Exhaustive }));
        Assert.False(result.Failed, result.Report());
        Assert.True(result.Exhausted, $"{bug}: more than 10,000 schedules");
        Assert.Contains("that is every schedule", result.Report(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Fixed_PassesEveryExploredSchedule(string bug)
    {
        var random = Bounded.Run(() => Explore.Search(Program(bug, true), new ExploreOptions { Schedules = 300 }));
        var pct = Bounded.Run(() => Explore.Search(Program(bug, true), new ExploreOptions { Schedules = 300, Strategy = ExploreStrategy.Pct }));
        Assert.False(random.Failed, random.Report());
        Assert.False(pct.Failed, pct.Report());
    }

    [Fact]
    public void CheckThenAct_CommittedShrunkSchedule_BreaksBuggy_NotFixed()
    {
        // The schedule `coop demo race` prints, committed as a regression test.
        int[] schedule = [0, 1];
        Assert.IsType<InvalidOperationException>(Bounded.Run(() => Explore.Replay(() => SampleBugs.CheckThenAct(false), schedule)).Exception);
        Assert.False(Bounded.Run(() => Explore.Replay(() => SampleBugs.CheckThenAct(true), schedule)).Failed);
    }
}
