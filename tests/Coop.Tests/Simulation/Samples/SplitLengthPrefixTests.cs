using Coop.Xunit;

namespace Coop.Tests.Simulation.Samples;

public class SplitLengthPrefixTests
{
    [Fact]
    public void Echoes_AMessageArrivesInTwoPieces_TheOneReceivePerFieldServerBreaks()
    {
        var found = SampleRun.Find(sim => SplitLengthPrefix.Echoes(sim, fixedVersion: false));
        var fault = Assert.Single(found.Shrunk!.Perturbations);
        Assert.Contains("from 'client' to 'echo'", fault.Description, StringComparison.Ordinal);
        Assert.Contains("arrived in two pieces", fault.Description, StringComparison.Ordinal);
    }

    [CoopFact(Simulate = true, Schedules = 200)]
    public async Coroutine Echoes_TheServerReadsExactly_EveryRunPasses() =>
        await SplitLengthPrefix.Echoes(Testing.Simulation.Current, fixedVersion: true);
}
