using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CoroutineShieldTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    private static async Coroutine<int> Work(Action done)
    {
        await Coroutine.Sleep(0.01);
        done();
        return 3;
    }

    [Fact]
    public void Shield_WaiterCanceled_InnerCoroutineRunsToTheEnd()
    {
        var finished = false;
        var (waiterCanceled, result) = Run(async () =>
        {
            Future<int>? shielded = null;
            async Coroutine Waiter()
            {
                shielded = Coroutine.Shield(Work(() => finished = true));
                await shielded;
            }

            var waiter = EventLoop.Current.CreateTask(Waiter());
            await Coroutine.Yield();
            waiter.Cancel();
            await Coroutine.Wait([waiter]);
            return (waiter.IsCanceled, await shielded!);
        });

        Assert.True(waiterCanceled);
        Assert.True(finished);
        Assert.Equal(3, result);
    }

    [Fact]
    public void Shield_OuterCanceled_InnerTaskUntouched()
    {
        var (outerCanceled, innerResult) = Run(async () =>
        {
            var inner = EventLoop.Current.CreateTask(Work(() => { }));
            var outer = Coroutine.Shield(inner);
            outer.Cancel();
            return (outer.IsCanceled, await inner);
        });

        Assert.True(outerCanceled);
        Assert.Equal(3, innerResult);
    }

    [Fact]
    public void Shield_GatherWaiterCanceled_GatherChildrenKeepRunning()
    {
        var childCanceled = Run(async () =>
        {
            var child = EventLoop.Current.CreateTask(Work(() => { }));
            var waiter = EventLoop.Current.CreateTask(Wait(Coroutine.Gather(child)));
            await Coroutine.Yield();
            waiter.Cancel();
            await Coroutine.Wait([waiter, child]);
            return child.IsCanceled;
        });

        Assert.False(childCanceled);

        static async Coroutine Wait(Future gather) => await Coroutine.Shield(gather);
    }

    [Fact]
    public void Shield_OfALongLivedFutureWithTimeoutsInALoop_LeavesNoCallbacksBehind()
    {
        // As asyncio's shield: a canceled outer stops mirroring, so the inner does not collect one
        // callback per wait (a heartbeat loop on a shutdown future).
        var (entries, shutDown) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.InRange(entries, 0, 1);
        Assert.True(shutDown);

        static async Coroutine<(int, bool)> Main()
        {
            var shutdown = EventLoop.Current.CreateFuture();
            for (var i = 0; i < 1_000; i++)
            {
                try
                {
                    await Coroutine.WaitFor(Coroutine.Shield(shutdown), 0);
                }
                catch (TimeoutException)
                {
                }
            }

            await Coroutine.Yield(); // the last outer's done callback has run
            var entries = shutdown.WaiterEntries;
            var last = Coroutine.Shield(shutdown); // still mirrors while its waiter stays
            shutdown.SetResultObject(null);
            await last;
            return (entries, !shutdown.IsCanceled);
        }
    }

    [Fact]
    public void Shield_InnerCoroutineFailsAfterOuterCanceled_ReportedOnceWithItsOwnMessageWhileTheLoopRuns()
    {
        var errors = new List<LoopError>();
        var reportedWhileRunning = 0;
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.RunUntilComplete(Main());
            reportedWhileRunning = errors.Count;
        });

        var error = Assert.Single(errors);
        Assert.Equal(1, reportedWhileRunning); // nobody else can read it: reported at once, not at close
        Assert.IsType<FormatException>(error.Exception);
        Assert.Equal("A shielded coroutine failed after its waiter was canceled", error.Message);
        Assert.NotNull(error.Task);

        static async Coroutine Main()
        {
            var outer = Coroutine.Shield(Bad());
            outer.Cancel();
            await Coroutine.Sleep(0.01);
            await Coroutine.Yield();
        }

        static async Coroutine Bad()
        {
            await Coroutine.Yield();
            throw new FormatException();
        }
    }

    [Fact]
    public void Shield_DoneInner_CopiedAtOnce()
    {
        var value = Run(async () =>
        {
            var future = EventLoop.Current.CreateFuture();
            future.SetResultObject("v");
            var outer = Coroutine.Shield(future);
            Assert.True(outer.IsDone);
            await outer;
            return outer.ResultObject;
        });

        Assert.Equal("v", value);
    }
}
