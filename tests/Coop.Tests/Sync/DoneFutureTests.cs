using Coop.Core;
using Coop.Tests.Support;

namespace Coop.Tests.Sync;

public class DoneFutureTests
{
    [Fact]
    public void Of_Result_IsSucceededWithThatResultOnThatLoop()
    {
        using var loop = new EventLoop(new VirtualClock());
        var done = DoneFuture.Of(loop, 42);
        Assert.Equal(FutureState.Succeeded, done.State);
        Assert.Equal(42, done.Result);
        Assert.Same(loop, done.Loop);
    }

    [Fact]
    public void Of_NoResult_IsSucceededWithNull()
    {
        using var loop = new EventLoop(new VirtualClock());
        var done = DoneFuture.Of(loop);
        Assert.Equal(FutureState.Succeeded, done.State);
        Assert.Null(done.Result);
        Assert.Same(loop, done.Loop);
    }

    [Fact]
    public void Of_Awaited_ContinuesWithoutSuspending()
    {
        var otherCallbackRan = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.False(otherCallbackRan); // no loop pass came between: neither await parked the task

        static async Coroutine<bool> Main()
        {
            var loop = EventLoop.Current;
            var ran = false;
            loop.CallSoon(() => ran = true);
            Assert.Equal(7, await DoneFuture.Of(loop, 7));
            await DoneFuture.Of(loop);
            return ran;
        }
    }
}
