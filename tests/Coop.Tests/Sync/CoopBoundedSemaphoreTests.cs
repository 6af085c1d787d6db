using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopBoundedSemaphoreTests
{
    [Fact]
    public void Release_MoreThanAcquired_Throws()
    {
        Run(async () =>
        {
            var sem = new CoopBoundedSemaphore(2);
            await sem.AcquireAsync();
            sem.Release();
            var ex = Assert.Throws<InvalidOperationException>(sem.Release);
            Assert.Contains("too many", ex.Message, StringComparison.Ordinal);
            Assert.Equal(2, sem.CurrentCount);
        });
    }

    [Fact]
    public void Release_ToWaiter_IsNotOverRelease()
    {
        Run(async () =>
        {
            var sem = new CoopBoundedSemaphore(1);
            var loop = EventLoop.Current;
            await sem.AcquireAsync();
            var waiter = loop.CreateTask(Take(sem));
            await Ticks(1);
            sem.Release();
            await waiter;
            Assert.Equal(1, sem.CurrentCount);
        });

        static async Coroutine Take(CoopSemaphore s)
        {
            using (await s.AcquireAsync())
            {
            }
        }
    }

    // A Release too many, made while a permit was on its way to a waiter that was then canceled: the
    // permit cannot go back to a count already at its bound. It used to throw from inside the
    // canceled task's await (which then raised InvalidOperationException instead of the cancellation).
    [Fact]
    public void Cancel_WaiterAfterHandOffOnceTheCountReachedItsBound_CanceledAndTheOverReleaseReported()
    {
        var errors = new List<LoopError>();
        Bounded.Run(() => EventLoop.Run(Main()));
        var error = Assert.Single(errors);
        Assert.Contains("released too many times", error.Message, StringComparison.Ordinal);

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            var sem = new CoopBoundedSemaphore(1);
            await sem.AcquireAsync();
            var waiter = loop.CreateTask(SyncTest.Await(sem.AcquireAsync()));
            await SyncTest.Ticks(1);
            sem.Release(); // handed to the waiter
            sem.Release(); // one too many, but the permit in flight is not counted: no throw here
            waiter.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await waiter);
            Assert.Equal(1, sem.CurrentCount); // never above its bound
        }
    }
}
