using Coop.Tests.Determinism.Samples;
using Coop.Tests.Support;

namespace Coop.Tests.Determinism;

public class ExploreResultTests
{
    [Fact]
    public void Report_PctFailure_GivesTheOptionsToReplayWith()
    {
        var options = new ExploreOptions { Strategy = ExploreStrategy.Pct, PctDepth = 2, Shrink = false };
        var result = Bounded.Run(() => Explore.Search(() => SampleBugs.MissedWakeup(false), options));
        var report = result.Report();
        Assert.Contains("Strategy = ExploreStrategy.Pct, PctDepth = 2", report, StringComparison.Ordinal);
        Assert.Contains("Its deviations from FIFO:", report, StringComparison.Ordinal);
        Assert.Null(result.Shrunk);

        var replay = Bounded.Run(() => Explore.Replay(() => SampleBugs.MissedWakeup(false), result.Failure!.Seed!.Value, options));
        Assert.Equal(result.Failure!.Trace, replay.Trace);
    }

    [Fact]
    public void Report_Pass_NamesTheSeedRange()
    {
        var result = Bounded.Run(() => Explore.Search(() => SampleBugs.LostUpdate(true), new ExploreOptions { Schedules = 5, Seed = 40 }));
        Assert.Contains("seeds 40..44", result.Report(), StringComparison.Ordinal);
    }
}
