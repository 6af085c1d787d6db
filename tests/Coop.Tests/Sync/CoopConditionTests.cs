using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopConditionTests
{
    [Fact]
    public void Notify_WakesLongestWaiterWithLockHeld()
    {
        var order = new List<int>();
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            async Coroutine Waiter(int id)
            {
                using (await cond.AcquireAsync())
                {
                    await cond.WaitAsync();
                    Assert.Equal(CoopTask.Current, cond.Lock.Owner);
                    order.Add(id);
                }
            }

            var tasks = Enumerable.Range(0, 3).Select(i => loop.CreateTask(Waiter(i))).ToList();
            await Ticks(3);
            for (var i = 0; i < 3; i++)
            {
                using (await cond.AcquireAsync())
                {
                    cond.Notify();
                }

                await tasks[i];
            }
        });
        Assert.Equal([0, 1, 2], order);
    }

    [Fact]
    public void Cancel_NotifiedWaiterBeforeItRuns_NotificationGoesToNext()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            var woke = new List<string>();
            async Coroutine Waiter(string name)
            {
                using (await cond.AcquireAsync())
                {
                    await cond.WaitAsync();
                    woke.Add(name);
                }
            }

            var b = loop.CreateTask(Waiter("b"));
            var c = loop.CreateTask(Waiter("c"));
            await Ticks(3);
            using (await cond.AcquireAsync())
            {
                cond.Notify(1);
                b.Cancel();
            }

            await c;
            await Assert.ThrowsAsync<CanceledException>(async () => await b);
            Assert.Equal(["c"], woke);
            Assert.False(cond.Lock.IsLocked); // b's using released the re-acquired lock
        });
    }

    [Fact]
    public void Wait_Canceled_ReacquiresLockBeforeRaising()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            var heldWhenCanceled = false;
            async Coroutine Waiter()
            {
                await cond.AcquireAsync();
                try
                {
                    await cond.WaitAsync();
                }
                catch (CanceledException)
                {
                    heldWhenCanceled = cond.Lock.Owner == CoopTask.Current;
                    throw;
                }
                finally
                {
                    cond.Release();
                }
            }

            var w = loop.CreateTask(Waiter());
            await Ticks(2);
            w.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await w);
            Assert.True(heldWhenCanceled);
            Assert.False(cond.Lock.IsLocked);
        });
    }

    [Fact]
    public void Wait_WithoutLock_Throws()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await cond.WaitAsync());
            Assert.Throws<InvalidOperationException>(() => cond.Notify());
        });
    }

    [Fact]
    public void WaitFor_PredicateBecomesTrue_Returns()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            var value = 0;
            async Coroutine Waiter()
            {
                using (await cond.AcquireAsync())
                {
                    Assert.True(await cond.WaitUntilAsync(() => value >= 3));
                }
            }

            var w = loop.CreateTask(Waiter());
            for (var i = 0; i < 3; i++)
            {
                await Ticks(1);
                using (await cond.AcquireAsync())
                {
                    value++;
                    cond.NotifyAll();
                }
            }

            await w;
        });
    }

    [Fact]
    public void Cancel_WhileReacquiringLock_WaitReturnsWithLockThenNextAwaitRaises()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            var heldAfterWait = false;
            var reachedNextAwait = false;
            async Coroutine Waiter()
            {
                await cond.AcquireAsync();
                try
                {
                    await cond.WaitAsync();
                    heldAfterWait = cond.Lock.Owner == CoopTask.Current;
                }
                finally
                {
                    cond.Release();
                }

                reachedNextAwait = true;
                await Coroutine.Yield(); // the deferred cancellation is raised here
                reachedNextAwait = false;
            }

            var w = loop.CreateTask(Waiter());
            await Ticks(2);
            await cond.AcquireAsync();
            cond.Notify();       // w is woken, then waits (shielded) to re-acquire the lock we hold
            await Ticks(2);
            w.Cancel();          // canceled at the second await point of Wait
            await Ticks(2);
            Assert.False(w.IsDone); // still waiting for the lock
            cond.Release();
            await Assert.ThrowsAsync<CanceledException>(async () => await w);
            Assert.True(heldAfterWait);
            Assert.True(reachedNextAwait);
            Assert.False(cond.Lock.IsLocked);
        });
    }

    [Fact]
    public void Wait_InsideCanceledScope_ReacquiresLockAndLeavesScope()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            var scope = new CancelScope();
            var heldAfterWait = false;
            async Coroutine Waiter()
            {
                await scope.RunAsync(async _ =>
                {
                    await cond.AcquireAsync();
                    try
                    {
                        await cond.WaitAsync();
                    }
                    finally
                    {
                        heldAfterWait = cond.Lock.Owner == CoopTask.Current;
                        cond.Release();
                    }
                });
            }

            var w = loop.CreateTask(Waiter());
            await Ticks(2);
            await cond.AcquireAsync();
            scope.Cancel();      // level-triggered: every await in the scope raises until it is left
            await Ticks(2);
            Assert.False(w.IsDone); // waiting (shielded) to re-acquire the lock we hold
            cond.Release();
            await w;                // the scope absorbs its own cancellation
            Assert.True(heldAfterWait);
            Assert.False(cond.Lock.IsLocked);
        });
    }

    [Fact]
    public void WaitAndNotify_WithoutTheLock_MessageNamesTheCall_AndToStringCountsWaiters()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            Assert.Equal("CoopCondition.Notify needs the condition's lock held by the calling task: acquire it first.",
                Assert.Throws<InvalidOperationException>(() => cond.Notify()).Message);
            var wait = await Assert.ThrowsAsync<InvalidOperationException>(async () => await EventLoop.Current.CreateTask(cond.WaitAsync()));
            Assert.Equal("CoopCondition.WaitAsync needs the condition's lock held by the calling task: acquire it first.", wait.Message);
            var waiter = EventLoop.Current.CreateTask(WaitOnce(cond));
            await Ticks(2);
            Assert.Equal("<CoopCondition 1 waiting, <CoopLock unlocked>>", cond.ToString());
            using (await cond.AcquireAsync())
            {
                cond.NotifyAll();
            }

            await waiter;
            Assert.Equal("<CoopCondition 0 waiting, <CoopLock unlocked>>", cond.ToString());
        });

        static async Coroutine WaitOnce(CoopCondition cond)
        {
            using (await cond.AcquireAsync())
            {
                await cond.WaitAsync();
            }
        }
    }

    [Fact]
    public void Constructor_GivenALock_UsesThatLock()
    {
        var lk = new CoopLock();
        Assert.Same(lk, new CoopCondition(lk).Lock);
    }

    [Fact]
    public void WaitUntil_NullPredicateOrNegativeNotify_ThrowsNamingTheArgument()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await cond.WaitUntilAsync(null!));
            using (await cond.AcquireAsync())
            {
                Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => cond.Notify(-1)).ParamName);
            }
        });
    }

    [Fact]
    public void WaitUntil_PredicateAlreadyTrue_ReturnsWithoutWaiting()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            using (await cond.AcquireAsync())
            {
                var waited = EventLoop.Current.CreateTask(cond.WaitUntilAsync(() => true));
                await Ticks(2);
                Assert.True(waited.IsDone);
                Assert.True(await waited);
            }
        });
    }

    [Fact]
    public void Notify_One_WakesExactlyOneOfTwoWaiters()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.Current;
            var woken = 0;
            async Coroutine Waiter()
            {
                using (await cond.AcquireAsync())
                {
                    await cond.WaitAsync();
                    woken++;
                }
            }

            var a = loop.CreateTask(Waiter());
            var b = loop.CreateTask(Waiter());
            await Ticks(3);
            using (await cond.AcquireAsync())
            {
                cond.Notify(1);
            }

            await Ticks(5);
            Assert.Equal(1, woken);
            using (await cond.AcquireAsync())
            {
                cond.Notify(1);
            }

            await a;
            await b;
            Assert.Equal(2, woken);
        });
    }

    [Fact]
    public void Notify_LockHeldByAnotherTask_Throws()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            await cond.AcquireAsync();
            var other = EventLoop.Current.CreateTask(NotifyFromOther(cond));
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await other);
            cond.Release();
        });

        static async Coroutine NotifyFromOther(CoopCondition c)
        {
            await Coroutine.Yield();
            c.Notify();
        }
    }
}
