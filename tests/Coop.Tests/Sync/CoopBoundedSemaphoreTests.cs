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
}
