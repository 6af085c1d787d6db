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

    [Fact]
    public void NewFuture_WithoutResult_IsCanceledWithItsWaiter()
    {
        Run(async () =>
        {
            var loop = EventLoop.Current;
            var f = WaitQueue<int>.NewFuture(loop);
            var waiter = loop.CreateTask(Await(f));
            await Coroutine.Yield();
            waiter.Cancel();
            Assert.True(f.IsCanceled);
        });
    }

    [Fact]
    public void NewFuture_WithRevoke_GiveBackCallsItWithTheFuture()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var loop = EventLoop.Current;
            Future? givenBack = null;
            var handOff = WaitQueue<int>.NewFuture<int>(loop, f =>
            {
                givenBack = f;
                return false;
            });
            Assert.False(handOff.TryGiveBack()); // the revoke's answer: the hand-off stands
            Assert.Same(handOff, givenBack);
            Assert.True(WaitQueue<int>.NewFuture<int>(loop, revoke: null).TryGiveBack()); // nothing to give back
        });
    }

    // Canceled waiters are left in place (O(1)) until the deque is full; then they are swept out,
    // and the deque grows only if the sweep freed less than a quarter of it.
    [Theory]
    [InlineData(4, 5, 8)] // half freed: the sweep makes room
    [InlineData(2, 7, 8)] // a quarter freed: still room enough
    [InlineData(1, 8, 16)] // less than a quarter freed: it grows
    [InlineData(0, 9, 16)]
    public void Add_DequeFull_SweepsLeftWaitersThenGrowsOnlyIfLittleCameFree(int left, int entriesAfter, int capacityAfter)
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var loop = EventLoop.Current;
            var queue = new WaitQueue<int>();
            var futures = new List<Future<int>>();
            for (var i = 0; i < queue.Capacity; i++)
            {
                var f = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
                queue.Add(f, i);
                futures.Add(f);
            }

            for (var i = 0; i < left; i++)
            {
                futures[1 + (2 * i)].Cancel(); // none at the front: those TryTake drops
            }

            Assert.Equal(8, queue.Entries); // not swept while there is room
            Assert.Equal(8 - left, queue.CountWaiting());
            queue.Add(WaitQueue<int>.NewFuture<int>(loop, revoke: null), 8);
            Assert.Equal(entriesAfter, queue.Entries);
            Assert.Equal(capacityAfter, queue.Capacity);
            Assert.Equal(9 - left, queue.CountWaiting());
            var payloads = new List<int>();
            while (queue.TryTake(out var next))
            {
                payloads.Add(next.Payload);
            }

            Assert.Equal(Enumerable.Range(0, 9).Where(i => i % 2 == 0 || i > 2 * left), payloads);
        });
    }
}
