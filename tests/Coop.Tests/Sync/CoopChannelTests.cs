using System.Threading.Channels;
using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopChannelTests
{
    [Fact]
    public void Create_ZeroCapacity_ThrowsNamingArgument()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CoopChannel.Create<int>(0));
        Assert.Equal("capacity", ex.ParamName);
    }

    [Fact]
    public void AwaitForeach_SenderClosed_DrainsThenEnds()
    {
        var got = new List<int>();
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.Create<int>(2);
            var loop = EventLoop.RunningLoop;
            async Coroutine Produce()
            {
                using (tx)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        await tx.Send(i);
                    }
                }
            }

            _ = loop.CreateTask(Produce());
            await foreach (var x in rx)
            {
                got.Add(x);
            }

            Assert.True(rx.IsCompleted);
            Assert.Throws<EndOfChannelException>(() => rx.Receive());
        });
        Assert.Equal(Enumerable.Range(0, 10), got);
    }

    [Fact]
    public void Send_Full_WaitsForReceiver()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.Create<int>(1);
            var loop = EventLoop.RunningLoop;
            await tx.Send(1);
            Assert.False(tx.TrySend(2));
            var sending = loop.CreateTask(Await(tx.Send(2)));
            await Ticks(2);
            Assert.False(sending.IsDone);
            Assert.Equal(1, await rx.Receive());
            await sending;
            Assert.True(rx.TryReceive(out var two));
            Assert.Equal(2, two);
        });
    }

    [Fact]
    public void Clone_SendersClosedIndependently_EndOnlyAfterLast()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<string>();
            var tx2 = tx.Clone();
            await tx.Send("a");
            tx.Close();
            Assert.Throws<ChannelClosedException>(() => tx.Send("x"));
            await tx2.Send("b");
            Assert.Equal("a", await rx.Receive());
            Assert.Equal("b", await rx.Receive());
            Assert.False(rx.IsCompleted);
            tx2.Close();
            Assert.True(rx.IsCompleted);
            Assert.False(rx.TryReceive(out _));
        });
    }

    [Fact]
    public void Close_LastReceiver_SendsFailAndBlockedSenderWakes()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.Create<int>(1);
            var loop = EventLoop.RunningLoop;
            var rx2 = rx.Clone();
            await tx.Send(1);
            var blocked = loop.CreateTask(Await(tx.Send(2)));
            await Ticks(1);
            rx.Close();
            Assert.Throws<ChannelClosedException>(() => rx.Receive());
            await Ticks(1);
            Assert.False(blocked.IsDone); // rx2 is still open
            rx2.Close();
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await blocked);
            Assert.Throws<ChannelClosedException>(() => tx.Send(3));
        });
    }

    [Fact]
    public void Cancel_ReceiverAfterHandOff_ItemGoesToOtherReceiver()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.RunningLoop;
            var a = loop.CreateTask(Await(rx.Receive()));
            var b = loop.CreateTask(Await(rx.Clone().Receive()));
            await Ticks(1);
            await tx.Send(5); // handed to a
            a.Cancel();
            Assert.Equal(5, await b);
            await Assert.ThrowsAsync<CancelledException>(async () => await a);
        });
    }

    [Fact]
    public void AwaitForeach_LosingBranchOfWaitForFirst_CommitsNothing()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.RunningLoop;
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
                winner.SetResultObject(null);
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
    public void SendAll_FromSystemThreadingChannel_ForwardsEveryItem()
    {
        var got = new List<int>();
        Run(async () =>
        {
            var bcl = Channel.CreateUnbounded<int>();
            var (tx, rx) = CoopChannel.Create<int>(4);
            var loop = EventLoop.RunningLoop;
            _ = Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await bcl.Writer.WriteAsync(i);
                }

                bcl.Writer.Complete();
            });
            async Coroutine Pump()
            {
                using (tx)
                {
                    await tx.SendAll(bcl.Reader);
                }
            }

            _ = loop.CreateTask(Pump());
            await foreach (var x in rx)
            {
                got.Add(x);
            }
        });
        Assert.Equal(Enumerable.Range(0, 100), got);
    }

    [Fact]
    public void ReceiveAllInto_SystemThreadingChannel_ForwardsAndCompletes()
    {
        var bcl = Channel.CreateUnbounded<int>();
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.Create<int>(2);
            var loop = EventLoop.RunningLoop;
            var pump = loop.CreateTask(rx.ReceiveAllInto(bcl.Writer));
            for (var i = 0; i < 20; i++)
            {
                await tx.Send(i);
            }

            tx.Close();
            await pump;
        });
        var items = new List<int>();
        while (bcl.Reader.TryRead(out var x))
        {
            items.Add(x);
        }

        Assert.True(bcl.Reader.Completion.IsCompleted);
        Assert.Equal(Enumerable.Range(0, 20), items);
    }

    [Fact]
    public void Property_RandomCancellation_NoItemLostOrDuplicated()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 10], Gen.Int[0, 8], Gen.Int)
            .Sample((producers, consumers, capacity, per, cancels, seed) =>
            {
                var rng = new Random(seed);
                var sent = new List<int>();
                var got = new List<int>();
                var left = new List<int>();
                Bounded.Run(() => EventLoop.Run(Main()));
                Assert.Equal(sent.Order(), got.Concat(left).Order());

                async Coroutine Main()
                {
                    var loop = EventLoop.RunningLoop;
                    var (tx, rx) = CoopChannel.Create<int>(capacity);
                    var senders = Enumerable.Range(0, producers).Select(_ => tx.Clone()).ToList();
                    var producerTasks = senders.Select((mine, p) => loop.CreateTask(Produce(mine, p, rng.Next()))).ToList();
                    tx.Close();
                    var consumerTasks = Enumerable.Range(0, consumers).Select(_ => loop.CreateTask(Consume(rx.Clone(), rng.Next()))).ToList();
                    var all = producerTasks.Concat(consumerTasks).ToList();
                    for (var i = 0; i < cancels; i++)
                    {
                        await Ticks(rng.Next(0, 6));
                        all[rng.Next(all.Count)].Cancel();
                    }

                    var drain = loop.CreateTask(Consume(rx.Clone(), rng.Next())); // in case chaos stopped every consumer
                    foreach (var t in producerTasks)
                    {
                        try
                        {
                            await t;
                        }
                        catch (CancelledException)
                        {
                        }
                    }

                    // A producer cancelled before it first ran never reached its `using`: close its handle here.
                    senders.ForEach(s => s.Close());
                    foreach (var t in consumerTasks.Append(drain))
                    {
                        try
                        {
                            await t;
                        }
                        catch (CancelledException)
                        {
                        }
                    }

                    while (rx.TryReceive(out var x))
                    {
                        left.Add(x);
                    }
                }

                async Coroutine Produce(ChannelSender<int> mine, int p, int s)
                {
                    var r = new Random(s);
                    using (mine)
                    {
                        for (var i = 0; i < per; i++)
                        {
                            await mine.Send((p * 1000) + i);
                            sent.Add((p * 1000) + i);
                            await Ticks(r.Next(0, 3));
                        }
                    }
                }

                async Coroutine Consume(ChannelReceiver<int> mine, int s)
                {
                    var r = new Random(s);
                    await foreach (var x in mine)
                    {
                        got.Add(x);
                        await Ticks(r.Next(0, 3));
                    }
                }
            }, iter: 100);
    }
}
