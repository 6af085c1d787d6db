using Coop.Tests.Determinism.Samples;
using Coop.Tests.Support;

namespace Coop.Tests.Determinism;

public class CoopTestTests
{
    [Fact]
    public void Explore_FixedProgram_PassesAllSchedules()
    {
        var result = Bounded.Run(() => CoopTest.Explore(() => SampleBugs.CheckThenAct(true), schedules: 50));
        Assert.Equal(50, result.SchedulesRun);
    }

    [Fact]
    public void Explore_BuggyProgram_ThrowsWithTheSeed()
    {
        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => CoopTest.Explore(() => SampleBugs.CheckThenAct(false))));
        Assert.Contains("seed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_DeadlockingProgramUnderFifo_Throws()
    {
        static async Coroutine Stuck() => await EventLoop.Current.CreateFuture();
        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => CoopTest.Run(Stuck)));
        Assert.IsType<DeadlockException>(error.InnerException);
    }

    [Fact]
    public void Run_BuggyProgramUnderFifo_Passes()
    {
        Bounded.Run(() => CoopTest.Run(() => SampleBugs.LostUpdate(false)));
    }
}
