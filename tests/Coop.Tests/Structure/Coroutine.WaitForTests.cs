using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CoroutineWaitForTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    [Fact]
    public void WaitFor_CoroutineInTime_ReturnsResult()
    {
        Assert.Equal(4, Run(async () => await Coroutine.WaitFor(Quick(), 100)));

        static async Coroutine<int> Quick()
        {
            await Coroutine.Yield();
            return 4;
        }
    }

    [Fact]
    public void WaitFor_CoroutineTimesOut_CancelsItAndRaisesTimeout()
    {
        var cleanedUp = false;
        var error = Run(async () =>
        {
            try
            {
                await Coroutine.WaitFor(Slow(), 0.01);
                return null;
            }
            catch (TimeoutException e)
            {
                return e;
            }
        });

        Assert.NotNull(error);
        Assert.True(cleanedUp);

        async Coroutine Slow()
        {
            try
            {
                await Coroutine.Sleep(100);
            }
            finally
            {
                cleanedUp = true;
            }
        }
    }

    [Fact]
    public void WaitFor_TaskTimesOut_CancelsTaskAndWaitsForIt()
    {
        var (timedOut, canceledAndDone) = Run(async () =>
        {
            var task = EventLoop.Current.CreateTask(SlowInt());
            try
            {
                await Coroutine.WaitFor(task, 0.01);
                return (false, false);
            }
            catch (TimeoutException)
            {
                return (true, task.IsCanceled);
            }
        });

        Assert.True(timedOut);
        Assert.True(canceledAndDone);
    }

    [Fact]
    public void WaitFor_TaskInTime_ReturnsTypedResult()
    {
        Assert.Equal(9, Run(async () =>
        {
            var task = EventLoop.Current.CreateTask(Nine());
            return await Coroutine.WaitFor(task, 100);
        }));

        static async Coroutine<int> Nine()
        {
            await Coroutine.Yield();
            return 9;
        }
    }

    [Fact]
    public void WaitFor_FutureTimesOut_CancelsTheFuture()
    {
        var canceled = Run(async () =>
        {
            var future = EventLoop.Current.CreateFuture<int>();
            try
            {
                await Coroutine.WaitFor(future, 0.01);
            }
            catch (TimeoutException)
            {
            }

            return future.IsCanceled;
        });

        Assert.True(canceled);
    }

    [Fact]
    public void WaitFor_WaitingTaskCanceled_CancelsTheInnerTask()
    {
        var (waiterCanceled, innerCanceled) = Run(async () =>
        {
            var inner = EventLoop.Current.CreateTask(SlowInt());
            var waiter = EventLoop.Current.CreateTask(Wait(inner));
            await Coroutine.Yield();
            waiter.Cancel();
            await Coroutine.Wait([waiter, inner]);
            return (waiter.IsCanceled, inner.IsCanceled);
        });

        Assert.True(waiterCanceled);
        Assert.True(innerCanceled);

        static async Coroutine Wait(CoopTask<int> inner) => await Coroutine.WaitFor(inner, 100);
    }

    [Fact]
    public void WaitFor_InnerFailsInTime_RaisesItsError()
    {
        Assert.Throws<FormatException>(() => Run(async () => await Coroutine.WaitFor(Bad(), 100)));

        static async Coroutine<int> Bad()
        {
            await Coroutine.Yield();
            throw new FormatException();
        }
    }

    [Fact]
    public void WaitFor_NaN_Throws()
    {
        Assert.Throws<ArgumentException>(() => Coroutine.WaitFor(SlowInt(), double.NaN));
    }

    private static async Coroutine<int> SlowInt()
    {
        await Coroutine.Sleep(100);
        return 1;
    }
}
