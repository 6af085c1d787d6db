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
            var loop = EventLoop.RunningLoop;
            async Coroutine Waiter(int id)
            {
                using (await cond.Acquire())
                {
                    await cond.Wait();
                    Assert.Equal(CoopTask.Current, cond.Lock.Owner);
                    order.Add(id);
                }
            }

            var tasks = Enumerable.Range(0, 3).Select(i => loop.CreateTask(Waiter(i))).ToList();
            await Ticks(3);
            for (var i = 0; i < 3; i++)
            {
                using (await cond.Acquire())
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
            var loop = EventLoop.RunningLoop;
            var woke = new List<string>();
            async Coroutine Waiter(string name)
            {
                using (await cond.Acquire())
                {
                    await cond.Wait();
                    woke.Add(name);
                }
            }

            var b = loop.CreateTask(Waiter("b"));
            var c = loop.CreateTask(Waiter("c"));
            await Ticks(3);
            using (await cond.Acquire())
            {
                cond.Notify(1);
                b.Cancel();
            }

            await c;
            await Assert.ThrowsAsync<CancelledException>(async () => await b);
            Assert.Equal(["c"], woke);
            Assert.False(cond.Lock.IsLocked); // b's using released the re-acquired lock
        });
    }

    [Fact]
    public void Wait_Cancelled_ReacquiresLockBeforeRaising()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.RunningLoop;
            var heldWhenCancelled = false;
            async Coroutine Waiter()
            {
                await cond.Acquire();
                try
                {
                    await cond.Wait();
                }
                catch (CancelledException)
                {
                    heldWhenCancelled = cond.Lock.Owner == CoopTask.Current;
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
            await Assert.ThrowsAsync<CancelledException>(async () => await w);
            Assert.True(heldWhenCancelled);
            Assert.False(cond.Lock.IsLocked);
        });
    }

    [Fact]
    public void Wait_WithoutLock_Throws()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await cond.Wait());
            Assert.Throws<InvalidOperationException>(() => cond.Notify());
        });
    }

    [Fact]
    public void WaitFor_PredicateBecomesTrue_Returns()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.RunningLoop;
            var value = 0;
            async Coroutine Waiter()
            {
                using (await cond.Acquire())
                {
                    Assert.True(await cond.WaitFor(() => value >= 3));
                }
            }

            var w = loop.CreateTask(Waiter());
            for (var i = 0; i < 3; i++)
            {
                await Ticks(1);
                using (await cond.Acquire())
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
            var loop = EventLoop.RunningLoop;
            var heldAfterWait = false;
            var reachedNextAwait = false;
            async Coroutine Waiter()
            {
                await cond.Acquire();
                try
                {
                    await cond.Wait();
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
            await cond.Acquire();
            cond.Notify();       // w is woken, then waits (shielded) to re-acquire the lock we hold
            await Ticks(2);
            w.Cancel();          // cancelled at the second await point of Wait
            await Ticks(2);
            Assert.False(w.IsDone); // still waiting for the lock
            cond.Release();
            await Assert.ThrowsAsync<CancelledException>(async () => await w);
            Assert.True(heldAfterWait);
            Assert.True(reachedNextAwait);
            Assert.False(cond.Lock.IsLocked);
        });
    }

    [Fact]
    public void Wait_InsideCancelledScope_ReacquiresLockAndLeavesScope()
    {
        Run(async () =>
        {
            var cond = new CoopCondition();
            var loop = EventLoop.RunningLoop;
            var scope = new CancelScope();
            var heldAfterWait = false;
            async Coroutine Waiter()
            {
                await scope.Run(async _ =>
                {
                    await cond.Acquire();
                    try
                    {
                        await cond.Wait();
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
            await cond.Acquire();
            scope.Cancel();      // level-triggered: every await in the scope raises until it is left
            await Ticks(2);
            Assert.False(w.IsDone); // waiting (shielded) to re-acquire the lock we hold
            cond.Release();
            await w;                // the scope absorbs its own cancellation
            Assert.True(heldAfterWait);
            Assert.False(cond.Lock.IsLocked);
        });
    }
}
