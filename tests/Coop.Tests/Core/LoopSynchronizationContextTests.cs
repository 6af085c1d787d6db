using Coop.Core;
using Coop.Tests.Support;

namespace Coop.Tests.Core;

public class LoopSynchronizationContextTests
{
    [Fact]
    public void Current_WhileTheLoopRuns_IsTheLoopsContextAndRestoredAfter()
    {
        using var loop = new EventLoop();
        SynchronizationContext? inside = null;
        SynchronizationContext? after = null;
        Bounded.Run(() =>
        {
            loop.CallSoon(() => inside = SynchronizationContext.Current);
            loop.RunUntilComplete(loop.Sleep(0));
            after = SynchronizationContext.Current;
        });
        Assert.IsType<LoopSynchronizationContext>(inside);
        Assert.Null(after);
    }

    [Fact]
    public void Post_FromAnotherThread_RunsOnTheLoopThread()
    {
        using var loop = new EventLoop();
        var context = new LoopSynchronizationContext(loop);
        var done = loop.CreateFuture<int>();
        var loopThread = 0;
        var ranOn = -1;
        Bounded.Run(() =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            ThreadPool.QueueUserWorkItem(_ => context.Post(_ =>
            {
                ranOn = Environment.CurrentManagedThreadId;
                done.SetResult(1);
            }, null));
            loop.RunUntilComplete(done);
        });
        Assert.Equal(loopThread, ranOn);
    }

    [Fact]
    public void Send_FromAnotherThreadWhileRunning_ThrowsNotSupported()
    {
        using var loop = new EventLoop();
        var context = new LoopSynchronizationContext(loop);
        Exception? error = null;
        async Coroutine Main() => error = await Task.Run(() => Record.Exception(() => context.Send(_ => { }, null)));

        Bounded.Run(() => loop.RunUntilComplete(Main()));
        Assert.IsType<NotSupportedException>(error);
    }

    [Fact]
    public void Post_AfterTheLoopClosed_DoesNotThrowOnThePostingThread()
    {
        var loop = new EventLoop();
        var context = new LoopSynchronizationContext(loop);
        loop.Close();
        // A BCL continuation may post after the loop closed: throwing there would crash a pool
        // thread, so it is refused and written to standard error instead.
        var error = Record.Exception(() => context.Post(_ => { }, null));
        Assert.Null(error);
    }
}
