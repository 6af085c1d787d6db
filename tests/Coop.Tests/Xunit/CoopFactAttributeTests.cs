using Coop.Tests.Determinism.Samples;
using Coop.Xunit;

namespace Coop.Tests.Xunit;

/// <summary>[CoopFact] tests run on a virtual clock under explored schedules: these are themselves
/// [CoopFact] tests, so xunit running them at all checks the discovery and invocation chain.</summary>
public class CoopFactAttributeTests
{
    [CoopFact(Schedules = 40)]
    public async Coroutine FixedCheckThenAct_PassesEverySchedule()
    {
        await SampleBugs.CheckThenAct(fixedVersion: true);
    }

    [CoopFact(Schedules = 5, Strategy = ExploreStrategy.Pct, Seed = 77)]
    public async Coroutine Sleep_OneHour_RunsOnTheVirtualClock()
    {
        var loop = EventLoop.Current;
        Assert.IsType<VirtualClock>(loop.TimeProvider);
        var start = loop.Time();
        await Coroutine.Sleep(3600);
        Assert.Equal(3600.0, loop.Time() - start);
    }

    [Fact]
    public void Explore_BuggyBody_ThrowsTheWayACoopFactFails()
    {
        // What CoopTestInvoker does for each [CoopFact]: a buggy body fails with the seed.
        var error = Assert.Throws<ScheduleFailedException>(() => CoopTest.Explore(() => SampleBugs.LostUpdate(fixedVersion: false), 20));
        Assert.Contains("Lost update", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestCase_UnsetSettings_UseTheDefaults()
    {
        var method = new global::Xunit.Sdk.TestMethod(
            new global::Xunit.Sdk.TestClass(
                new global::Xunit.Sdk.TestCollection(
                    new global::Xunit.Sdk.TestAssembly(new global::Xunit.Sdk.ReflectionAssemblyInfo(typeof(CoopFactAttributeTests).Assembly)),
                    null,
                    "c"),
                new global::Xunit.Sdk.ReflectionTypeInfo(typeof(CoopFactAttributeTests))),
            new global::Xunit.Sdk.ReflectionMethodInfo(typeof(CoopFactAttributeTests).GetMethod(nameof(FixedCheckThenAct_PassesEverySchedule))!));
        var testCase = new CoopTestCase(new global::Xunit.Sdk.NullMessageSink(), global::Xunit.Sdk.TestMethodDisplay.Method, global::Xunit.Sdk.TestMethodDisplayOptions.None, method, 0, ExploreStrategy.Random, 0);
        Assert.Equal(100, testCase.Schedules);
        Assert.Equal(1, testCase.Seed);
    }
}
