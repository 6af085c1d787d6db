using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopLockTests
{
    [Fact]
    public void Acquire_Contended_WaitersServedInArrivalOrder()
    {
        var order = new List<int>();
        Run(async () =>
        {
            var lk = new CoopLock();
            async Coroutine Worker(int id)
            {
                using (await lk.AcquireAsync())
                {
                    order.Add(id);
                    await Coroutine.Yield();
                }
            }

            var loop = EventLoop.Current;
            var tasks = Enumerable.Range(0, 5).Select(i => loop.CreateTask(Worker(i))).ToList();
            foreach (var t in tasks)
            {
                await t;
            }
        });
        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public void Release_ToWaiter_NewcomerCannotBarge()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            var loop = EventLoop.Current;
            await lk.AcquireAsync();
            var waiter = loop.CreateTask(Holder(lk));
            await Ticks(2);
            lk.Release();
            Assert.Equal(waiter, lk.Owner); // owned from the wake-up, before the waiter runs
            Assert.False(lk.TryAcquire());
            await waiter;
            Assert.False(lk.IsLocked);
        });

        static async Coroutine Holder(CoopLock lk)
        {
            using (await lk.AcquireAsync())
            {
                await Coroutine.Yield();
            }
        }
    }

    [Fact]
    public void Cancel_WaiterAfterHandOffBeforeItRuns_LockGoesToNextWaiter()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            var loop = EventLoop.Current;
            var got = new List<string>();
            async Coroutine Taker(string name)
            {
                using (await lk.AcquireAsync())
                {
                    got.Add(name);
                }
            }

            await lk.AcquireAsync();
            var b = loop.CreateTask(Taker("b"));
            var c = loop.CreateTask(Taker("c"));
            await Ticks(2);
            lk.Release();           // b is handed the lock...
            b.Cancel();             // ...and canceled before it runs: when it reaches its await, it passes the lock on
            await c;
            await Assert.ThrowsAsync<CanceledException>(async () => await b);
            Assert.Equal(["c"], got);
            Assert.False(lk.IsLocked);
        });
    }

    [Fact]
    public void Cancel_WaiterWhileWaiting_NeverGetsLockAndOthersProceed()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            var loop = EventLoop.Current;
            await lk.AcquireAsync();
            var b = loop.CreateTask(Take(lk));
            var c = loop.CreateTask(Take(lk));
            await Ticks(2);
            b.Cancel();
            await Ticks(1);
            Assert.True(b.IsCanceled);
            lk.Release();
            Assert.Equal(c, lk.Owner);
            await c;
            Assert.False(lk.IsLocked);
        });

        static async Coroutine Take(CoopLock lk)
        {
            await lk.AcquireAsync();
            lk.Release();
        }
    }

    [Fact]
    public void Acquire_TaskAlreadyCanceled_RaisesWithoutTakingLock()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            CoopTask.Current!.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await lk.AcquireAsync());
            Assert.False(lk.IsLocked);
        });
    }

    [Fact]
    public void Release_ByNonOwner_Throws()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            var loop = EventLoop.Current;
            Assert.Throws<InvalidOperationException>(lk.Release); // not held at all
            await lk.AcquireAsync();
            var other = loop.CreateTask(Release(lk));
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await other);
            Assert.True(lk.IsLocked);
            lk.Release();
        });

        static async Coroutine Release(CoopLock lk)
        {
            await Coroutine.Yield();
            lk.Release();
        }
    }

    [Fact]
    public void Release_NotHeldOrHeldByAnother_MessageSaysWhich()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            var loop = EventLoop.Current;
            var free = Assert.Throws<InvalidOperationException>(lk.Release);
            Assert.Equal("CoopLock.Release: the lock is not held.", free.Message);
            await lk.AcquireAsync();
            var other = loop.CreateTask(Release(lk), "intruder");
            var held = await Assert.ThrowsAsync<InvalidOperationException>(async () => await other);
            Assert.StartsWith($"CoopLock.Release: the lock is held by {CoopTask.Current!.Describe()}, not by the caller", held.Message, StringComparison.Ordinal);
            lk.Release();
        });

        static async Coroutine Release(CoopLock lk)
        {
            await Coroutine.Yield();
            lk.Release();
        }
    }

    [Fact]
    public void Release_WithNoLoopRunning_SaysSoRatherThanNotHeld()
    {
        var lk = new CoopLock();
        var ex = Assert.Throws<InvalidOperationException>(lk.Release);
        Assert.Contains("no event loop running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAcquire_Free_TakesItForTheTaskAndAWaiterThenWaits()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            Assert.True(lk.TryAcquire());
            Assert.Same(CoopTask.Current, lk.Owner);
            Assert.False(lk.TryAcquire()); // held: even by its owner, TryAcquire does not re-enter
            var waiter = EventLoop.Current.CreateTask(Acquire(lk));
            await Ticks(2);
            Assert.False(waiter.IsDone);
            lk.Release();
            await waiter;
            Assert.Same(waiter, lk.Owner); // it ended holding the lock
        });

        static async Coroutine Acquire(CoopLock lk) => await lk.AcquireAsync();
    }

    [Fact]
    public void TryAcquire_FromCallbackNotATask_ThrowsClearly()
    {
        var error = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            Exception? caught = null;
            var lk = new CoopLock();
            loop.CallSoon(() => caught = Record.Exception(() => lk.TryAcquire()));
            loop.RunUntilComplete(loop.Sleep(0));
            return caught;
        });
        Assert.Equal("CoopLock.TryAcquire must be called from a task: the lock records its owner task.", Assert.IsType<InvalidOperationException>(error).Message);
    }

    [Fact]
    public void ToString_SaysWhetherAndByWhomItIsHeld()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            Assert.Equal("<CoopLock unlocked>", lk.ToString());
            await lk.AcquireAsync();
            Assert.Equal($"<CoopLock locked by {CoopTask.Current!.Describe()}>", lk.ToString());
            lk.Release();
            Assert.Equal("<CoopLock unlocked>", lk.ToString());
        });
    }

    [Fact]
    public void Acquire_Uncontended_AllocatesNothingAfterTheFirst()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            (await lk.AcquireAsync()).Dispose(); // the first makes the done future every later one shares
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                (await lk.AcquireAsync()).Dispose();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void Acquire_Reentrant_ThrowsInsteadOfDeadlocking()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            await lk.AcquireAsync();
            var ex = Assert.Throws<InvalidOperationException>(() => lk.AcquireAsync());
            Assert.Contains("not reentrant", ex.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Acquire_FromAnotherLoop_ThrowsClearly()
    {
        var lk = new CoopLock();
        Run(async () =>
        {
            using (await lk.AcquireAsync())
            {
            }
        });
        Run(async () =>
        {
            await Coroutine.Yield();
            var ex = Assert.Throws<InvalidOperationException>(() => lk.AcquireAsync());
            Assert.Contains("another event loop", ex.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TryAcquire_FromAnotherThread_ThrowsClearly()
    {
        var lk = new CoopLock();
        var ex = Assert.Throws<InvalidOperationException>(() => lk.TryAcquire());
        Assert.Contains("no event loop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_FromGenerator_WorksWithYieldReturn()
    {
        var order = new List<string>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var lk = new CoopLock();
            IEnumerable<object?> Gen(string name)
            {
                yield return lk.AcquireAsync();
                try
                {
                    order.Add(name + "+");
                    yield return null;
                    order.Add(name + "-");
                }
                finally
                {
                    lk.Release();
                }
            }

            var a = loop.CreateTask(Gen("a"));
            var b = loop.CreateTask(Gen("b"));
            loop.RunUntilComplete(b);
            Assert.True(a.IsDone);
        });
        Assert.Equal(["a+", "a-", "b+", "b-"], order);
    }

    [Fact]
    public void Cancel_GeneratorWaiterAfterHandOff_LockGoesToNextWaiter()
    {
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var lk = new CoopLock();
            IEnumerable<object?> Gen()
            {
                yield return lk.AcquireAsync();
                lk.Release();
            }

            async Coroutine Main()
            {
                await lk.AcquireAsync();
                var b = loop.CreateTask(Gen());
                var c = loop.CreateTask(Gen());
                await Ticks(2);
                lk.Release();
                b.Cancel();
                await c;
                await Ticks(1);
                Assert.True(b.IsCanceled);
                Assert.False(lk.IsLocked);
            }

            loop.RunUntilComplete(Main());
        });
    }

    [Fact]
    public void AwaitUsing_ReleasesAtEndOfBlock()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            await using (await lk.AcquireAsync())
            {
                Assert.True(lk.IsLocked);
            }

            Assert.False(lk.IsLocked);
        });
    }

    [Fact]
    public void Property_RandomCancellation_ExclusionHoldsAndNothingLeaks()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[0, 10], Gen.Int)
            .Sample((workers, cancels, seed) =>
            {
                var maxInside = ContendedWorkers.MaxInsideUnderRandomCancellation(
                    workers, cancels, seed, () => new CoopLock(), lk => lk.AcquireAsync(), lk => lk.Release(), lk => Assert.False(lk.IsLocked));
                Assert.InRange(maxInside, 0, 1);
            }, iter: 150);
    }

    [Fact]
    public void Acquire_FromCallbackNotATask_ThrowsClearly()
    {
        var error = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            Exception? caught = null;
            var lk = new CoopLock();
            loop.CallSoon(() => caught = Record.Exception(() => lk.AcquireAsync()));
            loop.RunUntilComplete(loop.Sleep(0));
            return caught;
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("from a task", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelScope_WaiterAfterHandOff_LockGoesToNextWaiter()
    {
        Run(async () =>
        {
            var lk = new CoopLock();
            var loop = EventLoop.Current;
            var got = new List<string>();
            var scope = new CancelScope();
            async Coroutine InScope()
            {
                await scope.RunAsync(async _ =>
                {
                    using (await lk.AcquireAsync())
                    {
                        got.Add("b");
                    }
                });
            }

            async Coroutine Plain()
            {
                using (await lk.AcquireAsync())
                {
                    got.Add("c");
                }
            }

            await lk.AcquireAsync();
            var b = loop.CreateTask(InScope());
            var c = loop.CreateTask(Plain());
            await Ticks(3);
            lk.Release();   // handed to b
            scope.Cancel(); // b's scope is canceled before b runs
            await c;
            await b;        // the scope absorbs its own cancellation
            Assert.Equal(["c"], got);
            Assert.False(lk.IsLocked);
        });
    }
}
