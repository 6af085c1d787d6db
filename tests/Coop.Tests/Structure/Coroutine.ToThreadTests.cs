using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CoroutineToThreadTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    [Fact]
    public void ToThread_RunsOnAnotherThread_ResultComesBackOnTheLoopThread()
    {
        var (workThread, loopThread, afterThread, result) = Run(async () =>
        {
            var loopThread = Environment.CurrentManagedThreadId;
            var workThread = 0;
            var result = await Coroutine.ToThread(() =>
            {
                workThread = Environment.CurrentManagedThreadId;
                return 21 * 2;
            });
            return (workThread, loopThread, Environment.CurrentManagedThreadId, result);
        });

        Assert.NotEqual(loopThread, workThread);
        Assert.Equal(loopThread, afterThread);
        Assert.Equal(42, result);
    }

    [Fact]
    public void ToThread_WorkThrows_ExceptionPropagatesToTheAwaiter()
    {
        Assert.Throws<FormatException>(() => Run(async () => await Coroutine.ToThread<int>(() => throw new FormatException())));
    }

    [Fact]
    public void ToThread_Action_Completes()
    {
        var ran = Run(async () =>
        {
            var ran = false;
            await Coroutine.ToThread(() => { ran = true; });
            return ran;
        });

        Assert.True(ran);
    }

    [Fact]
    public void ToThread_WaiterCanceled_TokenCanceledAndWorkNotKilled()
    {
        using var started = new ManualResetEventSlim();
        using var finished = new ManualResetEventSlim();
        var (waiterCanceled, tokenSeen) = Run(async () =>
        {
            var tokenSeen = false;
            async Coroutine Waiter()
            {
                await Coroutine.ToThread(token =>
                {
                    started.Set();
                    token.WaitHandle.WaitOne(); // blocks until the waiter is canceled
                    tokenSeen = token.IsCancellationRequested;
                    finished.Set();
                    return 0;
                });
            }

            var waiter = EventLoop.Current.CreateTask(Waiter());
            await Coroutine.ToThread(() => started.Wait());
            waiter.Cancel();
            await Coroutine.Wait([waiter]);
            await Coroutine.ToThread(() => finished.Wait()); // the work ran on after the cancel
            return (waiter.IsCanceled, tokenSeen);
        });

        Assert.True(waiterCanceled);
        Assert.True(tokenSeen);
    }

    [Fact]
    public void ToThread_FromAGenerator_IsYielded()
    {
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return loop.RunUntilComplete(Generator());
        });

        Assert.Equal(5, result);

        static IEnumerable<object?> Generator()
        {
            var work = Coroutine.ToThread(() => 5);
            yield return work;
            yield return Coroutine.Return(work.Result);
        }
    }

    [Fact]
    public void ToThread_NoLoop_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Coroutine.ToThread(() => 1));
    }
}
