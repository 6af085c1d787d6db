using System.Threading.Channels;
using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class ChannelEnumeratorTests
{
    [Fact]
    public void AwaitForeach_SenderClosed_DrainsThenEnds()
    {
        var got = new List<int>();
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.Create<int>(2);
            var loop = EventLoop.Current;
            async Coroutine Produce()
            {
                using (tx)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        await tx.SendAsync(i);
                    }
                }
            }

            _ = loop.CreateTask(Produce());
            await foreach (var x in rx)
            {
                got.Add(x);
            }

            Assert.True(rx.IsCompleted);
            Assert.Throws<EndOfChannelException>(() => rx.ReceiveAsync());
        });
        Assert.Equal(Enumerable.Range(0, 10), got);
    }

    [Fact]
    public void AwaitForeach_InACoroutineRunInlineByOrdinaryCode_RefusedWithoutTakingTheNextItem()
    {
        var (refusal, next) = Bounded.Run(() => EventLoop.Run(Refused()));
        Assert.NotNull(refusal);
        Assert.Contains("ordinary async code", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(1, next);

        static async Coroutine<(Exception? Refusal, int Next)> Refused()
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            Exception? error = null;
            try
            {
                await Ordinary(rx); // the channel is empty: the enumeration would have to wait
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }

            await tx.SendAsync(1);
            return (error, await rx.ReceiveAsync()); // the refused step left no receive behind to take it
        }

        static async Task Ordinary(ChannelReceiver<int> rx) => await Enumerate(rx);

        static async Coroutine Enumerate(ChannelReceiver<int> rx)
        {
            await foreach (var x in rx)
            {
                Assert.Fail($"nothing was sent, yet {x} came");
            }
        }
    }

    [Fact]
    public void AwaitForeach_LosingBranchOfWaitForFirst_CommitsNothing()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.Current;
            var consumed = new List<int>();
            async Coroutine Consume()
            {
                await foreach (var x in rx)
                {
                    consumed.Add(x);
                }
            }

            var winner = loop.CreateFuture();
            var loser = loop.CreateTask(Consume());
            var first = CoopQueueTests.FirstOf(loop, winner, loser);
            await Ticks(2);
            loop.CallSoon(() =>
            {
                winner.SetResult();
                tx.TrySend(8);
            });
            Assert.Same(winner, await first);
            await Ticks(2);
            Assert.Empty(consumed);
            Assert.True(rx.TryReceive(out var eight));
            Assert.Equal(8, eight);
        });
    }

    [Fact]
    public void AwaitForeach_ItemsBufferedThenWaitedFor_AllInOrderThenEnds()
    {
        var got = new List<int>();
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.Current;
            Assert.True(tx.TrySend(1)); // received without waiting
            Assert.True(tx.TrySend(2));
            async Coroutine Later()
            {
                await Ticks(3);
                await tx.SendAsync(3); // received by a step that waited
                await Ticks(3);
                tx.Close(); // ends a step that waits
            }

            var later = loop.CreateTask(Later());
            await foreach (var x in rx)
            {
                got.Add(x);
            }

            await later;
        });
        Assert.Equal([1, 2, 3], got);
    }

    [Fact]
    public void AwaitForeach_ChannelAlreadyEnded_EndsWithoutWaiting()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            tx.Close();
            var step = rx.GetAsyncEnumerator().MoveNextAsync();
            Assert.True(step.IsCompleted);
            Assert.False(step.GetResult());
            var steps = 0;
            await foreach (var unused in rx)
            {
                steps++;
            }

            Assert.Equal(0, steps);
        });
    }

    [Fact]
    public void AwaitForeach_ReceiverClosedWhileWaiting_RaisesChannelClosed()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.Current;
            async Coroutine Consume()
            {
                await foreach (var unused in rx)
                {
                }
            }

            var consumer = loop.CreateTask(Consume());
            await Ticks(2);
            var step = rx.GetAsyncEnumerator().MoveNextAsync();
            Assert.False(step.IsCompleted); // nothing to receive yet: this step would wait
            rx.Close();
            var error = await Assert.ThrowsAsync<ChannelClosedException>(async () => await consumer);
            Assert.Equal("This channel's receivers were all closed while it waited to receive.", error.Message);
            Assert.Throws<ChannelClosedException>(() => tx.TrySend(1));
        });
    }

    [Fact]
    public void AwaitForeach_CanceledAfterAnItemWasHandedToIt_ItemGoesToTheNextReceiver()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.Current;
            var consumed = new List<int>();
            async Coroutine Consume()
            {
                await foreach (var x in rx)
                {
                    consumed.Add(x);
                }
            }

            var consumer = loop.CreateTask(Consume());
            await Ticks(2);
            await tx.SendAsync(4); // handed to the waiting step
            consumer.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await consumer);
            Assert.Empty(consumed);
            Assert.Equal(4, await rx.ReceiveAsync());
        });
    }
}
