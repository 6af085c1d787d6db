using Coop.Core;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class WaitQueueTests
{
    [Fact]
    public void TryTake_SkipsWaitersCanceledWhileWaiting()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var loop = EventLoop.Current;
            var queue = new WaitQueue<int>();
            var futures = Enumerable.Range(0, 4).Select(i =>
            {
                var f = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
                queue.Add(f, i);
                return f;
            }).ToList();
            futures[0].Cancel();
            futures[2].Cancel();
            Assert.Equal(2, queue.CountWaiting());
            Assert.True(queue.TryTake(out var first));
            Assert.Equal(1, first.Payload);
            Assert.Equal(CoopTask.Current, first.Task);
            Assert.True(queue.TryTake(out var second));
            Assert.Equal(3, second.Payload);
            Assert.False(queue.TryTake(out _));
            Assert.True(queue.IsEmpty);
        });
    }

    [Fact]
    public void TakeAll_ReturnsOnlyLiveWaitersOldestFirst()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var loop = EventLoop.Current;
            var queue = new WaitQueue<int>();
            for (var i = 0; i < 3; i++)
            {
                var f = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
                queue.Add(f, i);
                if (i == 1)
                {
                    f.Cancel();
                }
            }

            Assert.Equal([0, 2], queue.TakeAll().Select(w => w.Payload));
            Assert.True(queue.IsEmpty);
        });
    }

    [Fact]
    public void NewFuture_IsCanceledWithItsWaiter()
    {
        Run(async () =>
        {
            var loop = EventLoop.Current;
            var f = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
            var waiter = loop.CreateTask(Await(f));
            await Coroutine.Yield();
            waiter.Cancel();
            Assert.True(f.IsCanceled); // so the primitive skips it
        });
    }
}
