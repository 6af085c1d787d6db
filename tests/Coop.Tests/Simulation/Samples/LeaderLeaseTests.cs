using Coop.Xunit;

namespace Coop.Tests.Simulation.Samples;

public class LeaderLeaseTests
{
    [Fact]
    public void Election_AGrantHeldByAPartition_TwoLeadersAfterItHeals()
    {
        var found = SampleRun.Find(sim => LeaderLease.Election(sim, fixedVersion: false));
        Assert.Contains("both 'a' and 'b' believe", found.Failure!.Exception!.Message, StringComparison.Ordinal);
        var fault = Assert.Single(found.Shrunk!.Perturbations);
        Assert.Contains("\"granted\\n\"", fault.Description, StringComparison.Ordinal);
        Assert.Contains("partition", fault.Description, StringComparison.Ordinal);
    }

    [CoopFact(Simulate = true, Schedules = 200)]
    public async Coroutine Election_TheLeaseCountsFromTheRequest_NeverTwoLeaders() =>
        await LeaderLease.Election(Testing.Simulation.Current, fixedVersion: true);
}
