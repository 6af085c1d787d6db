using Coop.Xunit;

namespace Coop.Tests.Simulation.Samples;

public class RetryDoubleApplyTests
{
    [Fact]
    public void Transfers_AnswerLostAfterTheBankApplied_TheRetryAppliesItTwice()
    {
        var found = SampleRun.Find(sim => RetryDoubleApply.Transfers(sim, fixedVersion: false));
        Assert.Contains("applied twice", found.Failure!.Exception!.Message, StringComparison.Ordinal);
        var fault = Assert.Single(found.Shrunk!.Perturbations);
        Assert.Equal(PerturbationKind.Fault, fault.Kind);
        Assert.Contains("from 'bank' to 'client'", fault.Description, StringComparison.Ordinal);
        Assert.StartsWith("'bank' applied transfer", fault.After, StringComparison.Ordinal);
    }

    [CoopFact(Simulate = true, Schedules = 200)]
    public async Coroutine Transfers_TheBankRemembersRequestIds_EachIsAppliedOnce() =>
        await RetryDoubleApply.Transfers(Testing.Simulation.Current, fixedVersion: true);
}
