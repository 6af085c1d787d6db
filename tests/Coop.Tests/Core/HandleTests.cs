using Coop.Tests.Support;

namespace Coop.Tests.Core;

public class HandleTests
{
    [Fact]
    public void Cancel_Twice_SecondDoesNothing()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var handle = loop.CallLater(5, () => { });
        handle.Cancel();
        handle.Cancel();
        Assert.True(handle.IsCanceled);
        Assert.Contains("canceled", handle.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cancel_AfterItRan_DoesNothing()
    {
        using var loop = new EventLoop();
        var runs = 0;
        var handle = loop.CallSoon(() => runs++);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        handle.Cancel();
        Assert.Equal(1, runs);
    }

    [Fact]
    public void When_Timer_IsItsLoopDeadline()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var now = loop.Time();
        Assert.Equal(now + 2.5, loop.CallLater(2.5, () => { }).When, 6);
        Assert.Equal(now + 7, loop.CallAt(now + 7, () => { }).When, 6);
        Assert.Equal(now, loop.CallSoon(() => { }).When, 6);
    }

    [Fact]
    public void Cancel_FromACallbackBeforeItsTurn_PreventsIt()
    {
        using var loop = new EventLoop();
        var ran = false;
        Handle? second = null;
        loop.CallSoon(() => second!.Cancel());
        second = loop.CallSoon(() => ran = true);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.False(ran);
    }
}
