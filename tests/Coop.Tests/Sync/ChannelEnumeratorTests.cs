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
}
