using Coop.Xunit;

namespace Coop.Tests.Simulation.Samples;

public class StaleCacheTests
{
    [Fact]
    public void WritesThenReads_TheCacheCrashesAsAnInvalidationArrives_ServesAStaleValue()
    {
        var found = SampleRun.Find(sim => StaleCache.WritesThenReads(sim, fixedVersion: false));
        Assert.Contains("stale", found.Failure!.Exception!.Message, StringComparison.Ordinal);
        var fault = Assert.Single(found.Shrunk!.Perturbations);
        Assert.Contains("\"invalidate", fault.Description, StringComparison.Ordinal);
        Assert.Contains("'cache' crashed as it arrived", fault.Description, StringComparison.Ordinal);
    }

    [CoopFact(Simulate = true, Schedules = 200)]
    public async Coroutine WritesThenReads_TheCacheStartsCold_NeverStale() =>
        await StaleCache.WritesThenReads(Testing.Simulation.Current, fixedVersion: true);
}
