using Coop.Core;
using Coop.Tests.Support;

namespace Coop.Tests.Determinism;

public class ChoiceTraceTests
{
    // A sleep's timer is its future (no Handle around it): traces still name it by the task that sleeps.
    [Fact]
    public void Label_SleepTimer_NamesTheTaskThatSleeps()
    {
        using var loop = new EventLoop(new ManualClock());
        Future? sleep = null;
        async Coroutine Nap()
        {
            sleep = Coroutine.Sleep(5);
            await sleep;
        }

        loop.CreateTask(Nap(), "napper");
        Iterations.RunUntilIdle(loop);
        Assert.Equal("the Sleep timer of task 'napper'", ChoiceTrace.Label(new ReadyItem(TimerFuture.CompleteAction, sleep)));
        Assert.Equal("a Sleep timer no task waits on", ChoiceTrace.Label(new ReadyItem(TimerFuture.CompleteAction, loop.Sleep(5))));
    }
}
