using Coop.Core;
using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

/// <summary>Tests of the cancellation changes in CoopTask.cs made for Sync/: revoking a hand-off,
/// deferring a cancel after an irrevocable one, a self-canceled task parking, and generators
/// yielding a done future.</summary>
public class CoopTaskCancelTests
{
    [Fact]
    public void Cancel_SelfThenAwaitPendingFuture_RaisesAtOnce()
    {
        var finished = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(finished);

        static async Coroutine<bool> Main()
        {
            var never = EventLoop.Current.CreateFuture();
            CoopTask.Current!.Cancel();
            try
            {
                await never;
                Assert.Fail("the await should raise the pending cancellation");
            }
            catch (CanceledException)
            {
            }

            Assert.False(never.IsDone); // a shared future is not canceled with its waiter
            return true;
        }
    }

    [Fact]
    public void Cancel_SelfThenSleep_DoesNotSleepFirst()
    {
        Bounded.Run(() => EventLoop.Run(Main()));

        static async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            CoopTask.Current!.Cancel();
            try
            {
                await Coroutine.Sleep(3600);
            }
            catch (CanceledException)
            {
            }

            Assert.True(loop.Time() - start < 3600);
        }
    }

    [Fact]
    public void Generator_YieldsDoneFuture_ContinuesInSameStep()
    {
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            IEnumerable<object?> Gen()
            {
                var f = loop.CreateFuture<int>();
                f.SetResult(5);
                yield return f;
                yield return Coroutine.Return(f.Result + 1);
            }

            return loop.RunUntilComplete(Gen());
        });
        Assert.Equal(6, result);
    }

    [Fact]
    public void Cancel_AfterRevocableHandOff_RevokesAndRaises()
    {
        Assert.Equal(1, RevocationsWhenCanceledAfter(handOff => handOff.SetResult(1)));
    }

    [Fact]
    public void Cancel_AfterIrrevocableHandOff_AwaitCompletesThenNextAwaitRaises()
    {
        Bounded.Run(() => EventLoop.Run(Main()));

        static async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var handOff = new HandOffFuture<int>(loop, _ => false) { CancelWithWaiter = true };
            var got = -1;
            async Coroutine Waiter()
            {
                got = await handOff;
                await Coroutine.Yield();
                got = -2; // never reached
            }

            var waiter = loop.CreateTask(Waiter());
            await Coroutine.Yield();
            handOff.SetResult(7);
            waiter.Cancel();
            waiter.Cancel(); // a second cancel must not override the deferral
            await Assert.ThrowsAsync<CanceledException>(async () => await waiter);
            Assert.Equal(7, got);
        }
    }

    [Fact]
    public void Cancel_HandOffDoneBeforeTheAwait_IsGivenBackBeforeRaising()
    {
        // The resource was handed over while the task did something else; it then awaits the future
        // with a cancellation pending: the await raises, so the resource must go back.
        var gaveBack = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(1, gaveBack);

        static async Coroutine<int> Main()
        {
            var loop = EventLoop.Current;
            var gaveBack = 0;
            var handOff = new HandOffFuture<int>(loop, _ => { gaveBack++; return true; }) { CancelWithWaiter = true };
            async Coroutine Waiter()
            {
                await Coroutine.Yield(); // meanwhile: handed over
                CoopTask.Current!.Cancel();
                await handOff; // done already: it does not suspend, but it raises
            }

            var waiter = loop.CreateTask(Waiter());
            await Coroutine.Yield();
            handOff.SetResult(1);
            await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(waiter));
            return gaveBack;
        }
    }

    private static async Task Wrap(CoopTask task) => await task;

    [Fact]
    public void Cancel_AfterFailedHandOff_DoesNotRevoke()
    {
        Assert.Equal(0, RevocationsWhenCanceledAfter(handOff => handOff.SetException(new InvalidOperationException("x"))));
    }

    private static async Coroutine<int> Await(Future<int> f) => await f;

    // A task parks on a revocable hand-off future; complete ends that future and the task is canceled
    // before it resumes. The task must raise CanceledException; returns how often the hand-off was revoked.
    private static int RevocationsWhenCanceledAfter(Action<Future<int>> complete)
    {
        var revoked = 0;
        Bounded.Run(() => EventLoop.Run(Main()));
        return revoked;

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var handOff = new HandOffFuture<int>(loop, _ => { revoked++; return true; }) { CancelWithWaiter = true };
            var waiter = loop.CreateTask(Await(handOff));
            await Coroutine.Yield();
            complete(handOff);
            waiter.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await waiter);
        }
    }
}
