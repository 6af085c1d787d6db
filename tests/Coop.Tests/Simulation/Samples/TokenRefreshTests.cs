using Coop.Tests.Support;
using Coop.Xunit;

namespace Coop.Tests.Simulation.Samples;

public class TokenRefreshTests
{
    [Fact]
    public void Requests_OnlyTheOrderExplored_TheRaceIsNeverFound()
    {
        var result = Bounded.Run(() => CoopTest.Simulate(sim => TokenRefresh.Requests(sim, fixedVersion: false), runs: 200));
        Assert.False(result.Failed);
    }

    [Fact]
    public void Requests_TimingFuzz_FindsATokenThatExpiresOnTheWay()
    {
        var found = SampleRun.Find(sim => TokenRefresh.Requests(sim, fixedVersion: false), timingFuzz: 0.5);
        Assert.Contains("expired on the way", found.Failure!.Exception!.Message, StringComparison.Ordinal);
        Assert.Empty(found.Shrunk!.Faults);
        Assert.InRange(found.Shrunk.Perturbations.Count, 1, 2);
        Assert.Contains(found.Shrunk.Perturbations, p => p.Key.Contains("of task 'user", StringComparison.Ordinal));
    }

    [CoopFact(Simulate = true, Schedules = 200, TimingFuzz = 0.5)]
    public async Coroutine Requests_TheCacheRefreshesWithAMargin_NeverExpiredOnTheWay() =>
        await TokenRefresh.Requests(Testing.Simulation.Current, fixedVersion: true);
}
