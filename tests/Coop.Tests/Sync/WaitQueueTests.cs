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

    // A waiter that stays at the front (a lock held for long) and others that come and leave with
    // timeouts behind it: the left entries were skipped only at the front, so they piled up for good.
    [Fact]
    public void Add_WaitersLeaveBehindOneThatStays_EntriesStayBoundedAndOrderKept()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var loop = EventLoop.Current;
            var queue = new WaitQueue<int>();
            var stays = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
            queue.Add(stays, -1);
            var last = stays;
            for (var i = 0; i < 100_000; i++)
            {
                var leaves = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
                queue.Add(leaves, i);
                leaves.Cancel();
                if (i % 1000 == 0)
                {
                    last = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
                    queue.Add(last, i);
                }
            }

            Assert.True(queue.Entries < 1000, $"{queue.Entries} entries for 101 live waiters");
            Assert.Equal(101, queue.CountWaiting());
            Assert.True(queue.TryTake(out var first));
            Assert.Equal(-1, first.Payload);
            var payloads = new List<int>();
            while (queue.TryTake(out var next))
            {
                payloads.Add(next.Payload);
            }

            Assert.Equal(Enumerable.Range(0, 100).Select(i => i * 1000), payloads);
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
