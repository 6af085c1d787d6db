using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopSemaphoreTests
{
    [Fact]
    public void Acquire_BeyondCount_WaitsAndServesFifo()
    {
        var order = new List<int>();
        Run(async () =>
        {
            var sem = new CoopSemaphore(2);
            var loop = EventLoop.Current;
            async Coroutine Worker(int id)
            {
                using (await sem.AcquireAsync())
                {
                    order.Add(id);
                    await Ticks(3);
                }
            }

            var tasks = Enumerable.Range(0, 6).Select(i => loop.CreateTask(Worker(i))).ToList();
            await Ticks(1);
            Assert.Equal(0, sem.CurrentCount);
            foreach (var t in tasks)
            {
                await t;
            }

            Assert.Equal(2, sem.CurrentCount);
        });
        Assert.Equal([0, 1, 2, 3, 4, 5], order);
    }

    [Fact]
    public void Release_WithWaiter_HandsPermitSoNewcomerCannotBarge()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(0);
            var loop = EventLoop.Current;
            var waiter = loop.CreateTask(Await(sem.AcquireAsync()));
            await Ticks(1);
            sem.Release();
            Assert.False(sem.TryAcquire());
            await waiter;
            Assert.Equal(0, sem.CurrentCount);
        });
    }

    [Fact]
    public void Cancel_WaiterAfterHandOff_PermitGoesToNextWaiter()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(0);
            var loop = EventLoop.Current;
            var b = loop.CreateTask(Take(sem));
            var c = loop.CreateTask(Take(sem));
            await Ticks(2);
            sem.Release();
            b.Cancel();
            await c;
            await Assert.ThrowsAsync<CanceledException>(async () => await b);
            Assert.Equal(0, sem.CurrentCount); // c holds the one permit
        });

        static async Coroutine Take(CoopSemaphore s) => await s.AcquireAsync();
    }

    [Fact]
    public void Cancel_WaiterWhileWaiting_PermitReturnsToCount()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(0);
            var loop = EventLoop.Current;
            var b = loop.CreateTask(Await(sem.AcquireAsync()));
            await Ticks(1);
            b.Cancel();
            await Ticks(1);
            sem.Release();
            Assert.Equal(1, sem.CurrentCount);
        });
    }

    [Fact]
    public void Constructor_NegativeCount_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CoopSemaphore(-1));
        Assert.Equal("initialCount", ex.ParamName);
    }

    [Fact]
    public void Release_Unbounded_CanGrowAboveInitial()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var sem = new CoopSemaphore(1);
            sem.Release();
            Assert.Equal(2, sem.CurrentCount);
        });
    }

    [Fact]
    public void Property_RandomCancellation_ExclusionHoldsAndNothingLeaks()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[0, 10], Gen.Int)
            .Sample((workers, cancels, seed) =>
            {
                var maxInside = ContendedWorkers.MaxInsideUnderRandomCancellation(
                    workers, cancels, seed, () => new CoopSemaphore(3), sem => sem.AcquireAsync(), sem => sem.Release(), sem => Assert.Equal(3, sem.CurrentCount));
                Assert.InRange(maxInside, 0, 3);
            }, iter: 150);
    }

    [Fact]
    public void TryAcquire_PermitFree_TakesItAndLocksAtZero()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var sem = new CoopSemaphore(2);
            Assert.False(sem.IsLocked);
            Assert.True(sem.TryAcquire());
            Assert.Equal(1, sem.CurrentCount);
            Assert.False(sem.IsLocked);
            Assert.True(sem.TryAcquire());
            Assert.Equal(0, sem.CurrentCount);
            Assert.True(sem.IsLocked);
            Assert.False(sem.TryAcquire());
            Assert.Equal(0, sem.CurrentCount); // a refused TryAcquire takes nothing
        });
    }

    [Fact]
    public void ToString_NamesTheTypeAndTheFreePermits()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(2);
            Assert.Equal("<CoopSemaphore 2 free>", sem.ToString());
            await sem.AcquireAsync();
            Assert.Equal("<CoopSemaphore 1 free>", sem.ToString());
            Assert.Equal("<CoopBoundedSemaphore 3 free>", new CoopBoundedSemaphore(3).ToString());
        });
    }

    [Fact]
    public void AwaitUsing_Releaser_GivesThePermitBack()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(1);
            await using (await sem.AcquireAsync())
            {
                Assert.Equal(0, sem.CurrentCount);
            }

            Assert.Equal(1, sem.CurrentCount);
            default(SemaphoreReleaser).Dispose(); // a default releaser holds nothing and releases nothing
            Assert.Equal(1, sem.CurrentCount);
        });
    }

    [Fact]
    public void Acquire_Uncontended_AllocatesNothingAfterTheFirst()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(1);
            (await sem.AcquireAsync()).Dispose(); // the first makes the done future every later one shares
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                (await sem.AcquireAsync()).Dispose();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void Acquire_ByACanceledTask_RaisesAtOnceAndTakesNothing()
    {
        Run(async () =>
        {
            var sem = new CoopSemaphore(1);
            var loop = EventLoop.Current;
            var task = loop.CreateTask(CancelThenAcquire(sem));
            await Assert.ThrowsAsync<CanceledException>(async () => await task);
            Assert.Equal(1, sem.CurrentCount);
        });

        static async Coroutine CancelThenAcquire(CoopSemaphore s)
        {
            CoopTask.Current!.Cancel();
            await s.AcquireAsync();
        }
    }
}
