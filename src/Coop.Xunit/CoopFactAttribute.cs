// [CoopFact]: an xunit 2 fact whose method returns an async Coroutine. xunit finds it through
// CoopFactDiscoverer; each run of the test explores the method's body under Schedules seeded
// schedules on a virtual clock (CoopTest.Explore), failing with the seed and the shrunk schedule;
// with Simulate, each schedule also gets a simulated network, and TimingFuzz moves its timers.
// The chain CoopTestCase → CoopTestCaseRunner → CoopTestRunner → CoopTestInvoker exists only to
// replace the one call that invokes the test method.
using Xunit;
using Xunit.Sdk;
using Coop.Testing;

namespace Coop.Xunit;

/// <summary>Marks an <c>async Coroutine</c> test method that is run on a Coop loop with a virtual
/// clock under <see cref="Schedules"/> seeded schedules:
/// <c>[CoopFact(Schedules = 200)] public async Coroutine Transfer_IsAtomic() { ... }</c>.
/// The environment variables of <see cref="CoopTest"/> (COOP_SEED, COOP_SCHEDULES) apply.</summary>
[XunitTestCaseDiscoverer("Coop.Xunit.CoopFactDiscoverer", "Coop.Xunit")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class CoopFactAttribute : FactAttribute
{
    /// <summary>How many schedules to explore (default 100).</summary>
    public int Schedules { get; set; } = 100;

    /// <summary>How schedules are picked (default random).</summary>
    public ExploreStrategy Strategy { get; set; } = ExploreStrategy.Random;

    /// <summary>The first schedule's seed (default 1).</summary>
    public long Seed { get; set; } = 1;

    /// <summary>How far each run moves timers, sleeps and simulated latencies, as a fraction of their
    /// delay (default 0: on time; see <see cref="ExploreOptions.TimingFuzz"/>).</summary>
    public double TimingFuzz { get; set; }

    /// <summary>Runs each schedule with a fresh simulated network (default false): the method reads
    /// it from <see cref="Simulation.Current"/>, adds its hosts, and acts as the client.</summary>
    public bool Simulate { get; set; }
}
