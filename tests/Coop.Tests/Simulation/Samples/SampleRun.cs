using Coop.Tests.Support;

namespace Coop.Tests.Simulation.Samples;

/// <summary>What every sample's test checks: found from the xunit helper within 200 runs, shrunk,
/// and replayed (from its seed: the same faults and the same failure; from its shrunk perturbations:
/// the same kind of failure).</summary>
internal static class SampleRun
{
    public static ExploreResult Find(Func<Testing.Simulation, Coroutine> body, double timingFuzz = 0)
    {
        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => CoopTest.Simulate(body, runs: 200, timingFuzz: timingFuzz)));
        var result = error.Result!;
        Assert.InRange(result.SchedulesRun, 1, 200);
        Assert.NotNull(result.Shrunk);
        Assert.True(result.Shrunk.Distance <= result.Failure!.Distance);

        var options = new ExploreOptions { TimingFuzz = timingFuzz };
        var again = Bounded.Run(() => Explore.ReplaySimulation(body, result.Failure.Seed!.Value, options));
        Assert.Equal(result.Failure.Exception!.Message, again.Exception?.Message);
        Assert.Equal(result.Failure.Perturbations.Select(p => p.ToString()), again.Perturbations.Select(p => p.ToString()));

        var shrunk = Bounded.Run(() => Explore.ReplaySimulation(body, result.Shrunk, options));
        Assert.Equal(result.Shrunk.Exception!.GetType(), shrunk.Exception?.GetType());
        Assert.Contains(result.Shrunk.Perturbations[0].Description, error.Message, StringComparison.Ordinal);
        return result;
    }
}
