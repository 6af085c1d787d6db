using Coop.Tests.Support;

namespace Coop.Tests.Sync;

/// <summary>The primitives under Explore.CancelAtEachAwait (Determinism/): a task using a queue and a
/// lock is canceled right after each of its suspensions in turn; after every run, no item may be lost
/// or duplicated and the lock must be free.</summary>
public class SyncExploreTests
{
    [Fact]
    public void QueueAndLock_CanceledAtEveryAwaitPoint_NothingLostAndLockFree()
    {
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(async probes =>
        {
            var loop = EventLoop.Current;
            var q = new CoopQueue<int>(maxSize: 2);
            var lk = new CoopLock();
            var put = new List<int>();
            var got = new List<int>();
            probes.Invariant("every item put is got once or still queued",
                () => got.Count + q.Count == put.Count && got.Distinct().Count() == got.Count && got.All(put.Contains));
            probes.Invariant("the lock is free", () => !lk.IsLocked);

            async Coroutine Helper()
            {
                for (var i = 0; i < 3; i++)
                {
                    using (await lk.AcquireAsync())
                    {
                        if (q.TryPut(100 + i))
                        {
                            put.Add(100 + i);
                        }

                        await Coroutine.Yield();
                    }
                }
            }

            var helper = loop.CreateTask(Helper(), "helper");
            try
            {
                for (var i = 0; i < 4; i++)
                {
                    await q.PutAsync(i);
                    put.Add(i);
                    using (await lk.AcquireAsync())
                    {
                        got.Add(await q.GetAsync());
                        await Coroutine.Yield();
                    }
                }
            }
            finally
            {
                helper.Cancel(); // cancel-safe too: whatever it holds is given back
                try
                {
                    await helper;
                }
                catch (CanceledException)
                {
                }
            }
        }));
        Assert.True(points >= 6, $"only {points} await points were explored");
    }

    [Fact]
    public void Channel_ReceiverCanceledAtEveryAwaitPoint_NothingLost()
    {
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(async probes =>
        {
            var loop = EventLoop.Current;
            var (tx, rx) = CoopChannel.Create<int>(1);
            var sent = new List<int>();
            var got = new List<int>();
            var left = new List<int>();
            probes.Invariant("every item sent is received once or left over",
                () => got.Concat(left).Order().SequenceEqual(sent.Order()));

            async Coroutine Sender()
            {
                using (tx)
                {
                    for (var i = 0; i < 5; i++)
                    {
                        await tx.SendAsync(i);
                        sent.Add(i);
                        await Coroutine.Yield(); // so the receiver waits on an empty channel each time
                        await Coroutine.Yield();
                    }
                }
            }

            var sender = loop.CreateTask(Sender(), "sender");
            try
            {
                await foreach (var x in rx)
                {
                    got.Add(x);
                }
            }
            finally
            {
                // Drain what the sender still sends, so it ends too (no leaked task).
                while (!sender.IsDone || !rx.IsCompleted)
                {
                    while (rx.TryReceive(out var x))
                    {
                        left.Add(x);
                    }

                    await Coroutine.Yield();
                }
            }
        }));
        Assert.True(points >= 5, $"only {points} await points were explored");
    }
}
