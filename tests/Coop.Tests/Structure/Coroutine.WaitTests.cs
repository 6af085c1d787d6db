using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CoroutineWaitTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    private static async Coroutine<int> After(int value, int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        return value;
    }

    private static async Coroutine<int> Fails(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        throw new InvalidOperationException("x");
    }

    [Fact]
    public void Wait_AllCompleted_EveryFutureDone()
    {
        var (done, pending) = Run(async () =>
        {
            var loop = EventLoop.Current;
            return await Coroutine.Wait([loop.CreateTask(After(1, 3)), loop.CreateTask(Fails(1))]);
        });

        Assert.Equal(2, done.Count);
        Assert.Empty(pending);
    }

    [Fact]
    public void Wait_FirstCompleted_ReturnsWithTheFirstAndLeavesOthersRunning()
    {
        var (doneCount, first, slowRunning) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var slow = loop.CreateTask(After(1, 50));
            var fast = loop.CreateTask(After(2, 1));
            var (done, pending) = await Coroutine.Wait([slow, fast], WaitMode.FirstCompleted);
            var running = !slow.IsDone;
            await slow;
            return (done.Count, done[0], running && pending[0] == slow);
        });

        Assert.Equal(1, doneCount);
        Assert.Equal(2, ((CoopTask<int>)first).Result);
        Assert.True(slowRunning);
    }

    [Fact]
    public void Wait_FirstException_ReturnsWhenOneFails()
    {
        var (done, pending) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var ok = loop.CreateTask(After(1, 1));
            var failing = loop.CreateTask(Fails(3));
            var slow = loop.CreateTask(After(3, 100));
            var result = await Coroutine.Wait([ok, failing, slow], WaitMode.FirstException);
            slow.Cancel();
            return result;
        });

        Assert.Equal(2, done.Count);
        Assert.IsType<InvalidOperationException>(done[1].Exception);
        Assert.Single(pending);
    }

    [Fact]
    public void Wait_FirstExceptionWithoutErrors_WaitsForAll()
    {
        var (done, pending) = Run(async () =>
        {
            var loop = EventLoop.Current;
            return await Coroutine.Wait([loop.CreateTask(After(1, 1)), loop.CreateTask(After(2, 4))], WaitMode.FirstException);
        });

        Assert.Equal(2, done.Count);
        Assert.Empty(pending);
    }

    [Fact]
    public void Wait_Timeout_ReturnsPendingWithoutCancelingThem()
    {
        var (pendingCount, canceled) = Run(async () =>
        {
            var future = EventLoop.Current.CreateFuture();
            var (_, pending) = await Coroutine.Wait([future], timeout: 0.01);
            return (pending.Count, future.IsCanceled);
        });

        Assert.Equal(1, pendingCount);
        Assert.False(canceled);
    }

    [Fact]
    public void Wait_AlreadyDone_ReturnsAtOnce()
    {
        var doneCount = Run(async () =>
        {
            var future = EventLoop.Current.CreateFuture<int>();
            future.SetResult(1);
            var result = Coroutine.Wait([future, EventLoop.Current.CreateFuture()], WaitMode.FirstCompleted);
            Assert.True(result.IsDone);
            return (await result).Done.Count;
        });

        Assert.Equal(1, doneCount);
    }

    [Fact]
    public void Wait_NoFuturesOrBadArguments_Throws()
    {
        Assert.Throws<ArgumentException>(() => Coroutine.Wait([]));
        Assert.Throws<ArgumentException>(() => Coroutine.Wait([], timeout: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Coroutine.Wait([], (WaitMode)42));
    }
}
