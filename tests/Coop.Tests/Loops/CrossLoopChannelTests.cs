using System.Collections.Concurrent;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Loops;

/// <summary>The cross-loop channel between two loops of a group: order, end of channel, backpressure,
/// cancel-safety at each await, closed receivers and loops, and misuse from other loops and threads.</summary>
public class CrossLoopChannelTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="sender"/> on loop 0 and <paramref name="receiver"/> on loop 1.</summary>
    private static void OnTwoLoops(Func<Coroutine> sender, Func<Coroutine> receiver) =>
        Bounded.Run(() => LoopGroup.Run(shard => shard.Index == 0 ? sender() : receiver(), new LoopGroupOptions { LoopCount = 2 }), Limit);

    [Fact]
    public void Create_CapacityBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossLoopChannel.Create<int>(0));

    [Fact]
    public void SendAndReceive_AnyCapacityAndCount_EveryItemArrivesInOrderThenTheEnd()
    {
        // Model: a FIFO. Mixed TrySend / SendAsync and TryReceive / ReceiveAsync must not change it.
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, 300]).Sample((capacity, count) =>
        {
            var (tx, rx) = CrossLoopChannel.Create<int>(capacity);
            var received = new List<int>();
            var ended = false;
            OnTwoLoops(
                async () =>
                {
                    for (var i = 0; i < count; i++)
                    {
                        if (i % 3 != 0 || !tx.TrySend(i))
                        {
                            await tx.SendAsync(i);
                        }
                    }

                    tx.Close();
                },
                async () =>
                {
                    while (true)
                    {
                        if (rx.TryReceive(out var quick))
                        {
                            received.Add(quick);
                            continue;
                        }

                        try
                        {
                            received.Add(await rx.ReceiveAsync());
                        }
                        catch (EndOfChannelException)
                        {
                            ended = rx.IsCompleted;
                            return;
                        }
                    }
                });
            return ended && received.SequenceEqual(Enumerable.Range(0, count));
        }, iter: 20);
    }

    [Fact]
    public void SendAsync_ChannelFull_WaitsUntilTheReceiverHasWorkedThroughItsBatch()
    {
        var log = new ConcurrentQueue<string>();
        var (tx, rx) = CrossLoopChannel.Create<int>(2);
        using var filled = new ManualResetEventSlim();
        OnTwoLoops(
            async () =>
            {
                Assert.True(tx.TrySend(1));
                Assert.True(tx.TrySend(2));
                Assert.False(tx.TrySend(3)); // full: never waits, sends nothing
                filled.Set();
                await tx.SendAsync(3);
                log.Enqueue("sent 3");
                tx.Close();
            },
            async () =>
            {
                await Coroutine.FromTask(Task.Run(() => filled.Wait(Limit)));
                await Coroutine.Sleep(0.05);
                log.Enqueue("receiving");
                for (var i = 0; i < 3; i++)
                {
                    log.Enqueue($"got {await rx.ReceiveAsync()}");
                }
            });

        Assert.Equal("receiving", log.First());
        Assert.Equal(["got 1", "got 2", "got 3"], log.Where(l => l.StartsWith("got", StringComparison.Ordinal)));
        Assert.Contains("sent 3", log);
    }

    [Fact]
    public void SendAsync_CanceledWhileFull_SentNothing()
    {
        var received = new List<int>();
        var (tx, rx) = CrossLoopChannel.Create<int>(1);
        using var gaveUp = new ManualResetEventSlim();
        OnTwoLoops(
            async () =>
            {
                Assert.True(tx.TrySend(1));
                var scope = await CancelScope.MoveOnAfter(0.05, async _ => await tx.SendAsync(2)); // full until the receiver starts
                Assert.True(scope.CanceledCaught);
                gaveUp.Set();
                await tx.SendAsync(3);
                tx.Close();
            },
            async () =>
            {
                await Coroutine.FromTask(Task.Run(() => gaveUp.Wait(Limit)));
                await ReceiveUntilEnd(rx, received);
            });

        Assert.Equal([1, 3], received);
    }

    [Fact]
    public void ReceiveAsync_CanceledWhileEmpty_TookNothingAndTheNextReceiveGetsTheItem()
    {
        var received = new List<int>();
        var (tx, rx) = CrossLoopChannel.Create<int>(4);
        using var gaveUp = new ManualResetEventSlim();
        OnTwoLoops(
            async () =>
            {
                await Coroutine.FromTask(Task.Run(() => gaveUp.Wait(Limit)));
                await tx.SendAsync(7);
                tx.Close();
            },
            async () =>
            {
                var scope = await CancelScope.MoveOnAfter(0.05, async _ => received.Add(await rx.ReceiveAsync()));
                Assert.True(scope.CanceledCaught);
                gaveUp.Set();
                received.Add(await rx.ReceiveAsync());
            });

        Assert.Equal([7], received);
    }

    [Fact]
    public void SendAsync_ReceiverClosedWhileASenderWaits_TheSenderFailsClearly()
    {
        Exception? waiting = null, later = null;
        var (tx, rx) = CrossLoopChannel.Create<int>(1);
        using var full = new ManualResetEventSlim();
        OnTwoLoops(
            async () =>
            {
                Assert.True(tx.TrySend(1));
                full.Set();
                waiting = await Caught(() => tx.SendAsync(2));
                later = Record.Exception(() => tx.TrySend(3));
            },
            async () =>
            {
                await Coroutine.FromTask(Task.Run(() => full.Wait(Limit)));
                await Coroutine.Sleep(0.05);
                rx.Close();
                Assert.True(rx.IsClosed);
                Assert.Throws<ChannelClosedException>(() => rx.TryReceive(out _));
            });

        Assert.IsType<ChannelClosedException>(waiting);
        Assert.IsType<ChannelClosedException>(later);
    }

    [Fact]
    public void SendAsync_ReceiverParkedOnALoopThatClosed_FailsInsteadOfWaitingForever()
    {
        var (tx, rx) = CrossLoopChannel.Create<int>(4);
        Bounded.Run(() =>
        {
            // The receiving loop parks its receiver, then its group stops and closes it.
            var group = new LoopGroup(new LoopGroupOptions { LoopCount = 1 });
            using var parked = new ManualResetEventSlim();
            group.Start(async _ =>
            {
                var receiving = rx.ReceiveAsync();
                parked.Set();
                await receiving;
            });
            Assert.True(parked.Wait(Limit));
            Thread.Sleep(50);
            group.Shutdown(Limit);

            var error = EventLoop.Run(Caught(() => tx.SendAsync(1)));
            Assert.IsType<ChannelClosedException>(error);
            Assert.Contains("loop is closed", error!.Message, StringComparison.Ordinal);
        }, Limit);
    }

    [Fact]
    public void Handles_UsedFromAnotherLoopOrAThreadWithoutALoop_ThrowClearly()
    {
        var (tx, rx) = CrossLoopChannel.Create<int>(4);
        var clone = tx.Clone();
        Assert.Contains("no event loop", Assert.Throws<InvalidOperationException>(() => tx.TrySend(1)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => rx.TryReceive(out _));
        async Coroutine First()
        {
            await Coroutine.Yield();
            Assert.True(tx.TrySend(1)); // binds tx to this loop
        }

        Exception? otherLoop = null;
        var cloneWorks = false;
        async Coroutine Second()
        {
            await Coroutine.Yield();
            otherLoop = Record.Exception(() => tx.TrySend(2));
            cloneWorks = clone.TrySend(3); // a clone binds to its own loop
        }

        EventLoop.Run(First());
        EventLoop.Run(Second());

        Assert.IsType<InvalidOperationException>(otherLoop);
        Assert.Contains("another event loop", otherLoop!.Message, StringComparison.Ordinal);
        Assert.True(cloneWorks);
    }

    [Fact]
    public void Close_EverySender_EndsTheChannelAfterTheBufferedItems()
    {
        var received = new List<int>();
        var (tx, rx) = CrossLoopChannel.Create<int>(8);
        var second = tx.Clone();
        OnTwoLoops(
            async () =>
            {
                await tx.SendAsync(1);
                tx.Close();
                tx.Close(); // again: no-op
                Assert.Throws<ChannelClosedException>(() => tx.TrySend(9));
                Assert.Throws<ChannelClosedException>(() => tx.Clone());
                await second.SendAsync(2);
                second.Dispose();
            },
            async () =>
            {
                await ReceiveUntilEnd(rx, received);
            });

        Assert.Equal([1, 2], received);
    }

    [Fact]
    public void SendAndReceive_TwoSendingLoopsUnderLoad_EachSendersItemsArriveOnceAndInOrder()
    {
        // Stress: loops 0 and 1 each send their numbers through their own handle, loop 2 receives;
        // a small capacity makes senders and the receiver park and wake many times.
        Gen.Select(Gen.OneOf(Gen.Int[1, 16], Gen.Const(0)), Gen.Int[1_000, 50_000]).Sample((capacity, perSender) =>
        {
            var (tx, rx) = capacity > 0 ? CrossLoopChannel.Create<long>(capacity) : CrossLoopChannel.CreateUnbounded<long>();
            var senders = new[] { tx, tx.Clone() };
            var received = new List<long>();
            Bounded.Run(() => LoopGroup.Run(shard => shard.Index < 2 ? Send(senders[shard.Index], shard.Index) : Receive(), new LoopGroupOptions { LoopCount = 3 }), Limit);
            return Enumerable.Range(0, 2).All(s => received.Where(x => x >> 32 == s).SequenceEqual(Enumerable.Range(0, perSender).Select(i => ((long)s << 32) + i)))
                && received.Count == 2 * perSender;

            async Coroutine Send(CrossLoopSender<long> sender, int index)
            {
                for (var i = 0; i < perSender; i++)
                {
                    var item = ((long)index << 32) + i;
                    if (i % 2 == 0 || !sender.TrySend(item))
                    {
                        await sender.SendAsync(item);
                    }
                }

                sender.Close();
            }

            async Coroutine Receive()
            {
                try
                {
                    while (true)
                    {
                        while (rx.TryReceive(out var quick))
                        {
                            received.Add(quick);
                        }

                        received.Add(await rx.ReceiveAsync());
                    }
                }
                catch (EndOfChannelException)
                {
                }
            }
        }, iter: 6);
    }

    [Fact]
    public void CloseAndTakeLeft_WhileTwoLoopsSendUnderLoad_EachItemIsReceivedHandedBackOrFailedExactlyOnce()
    {
        // What the connection hand-off relies on: the receiver closes mid-stream, and every item is
        // either received, returned by CloseAndTakeLeft (to be disposed of) or failed back to its sender.
        Gen.Select(Gen.Int[1, 32], Gen.Int[0, 20_000]).Sample((capacity, receiveFirst) =>
        {
            var (tx, rx) = CrossLoopChannel.Create<long>(capacity);
            var senders = new[] { tx, tx.Clone() };
            var sent = new List<long>[] { new(), new() };
            var failed = new long?[2];
            var received = new List<long>();
            List<long> left = [];
            Bounded.Run(() => LoopGroup.Run(shard => shard.Index < 2 ? Send(shard.Index) : ReceiveThenClose(), new LoopGroupOptions { LoopCount = 3 }), Limit);
            var accounted = received.Concat(left).ToList();
            return Enumerable.Range(0, 2).All(s =>
                accounted.Where(x => x >> 32 == s).SequenceEqual(sent[s]) && failed[s] == ((long)s << 32) + sent[s].Count);

            async Coroutine Send(int index)
            {
                for (var i = 0; ; i++)
                {
                    var item = ((long)index << 32) + i;
                    try
                    {
                        if (!senders[index].TrySend(item))
                        {
                            await senders[index].SendAsync(item);
                        }
                    }
                    catch (ChannelClosedException)
                    {
                        failed[index] = item;
                        return;
                    }

                    sent[index].Add(item);
                }
            }

            async Coroutine ReceiveThenClose()
            {
                while (received.Count < receiveFirst)
                {
                    received.Add(await rx.ReceiveAsync());
                }

                left = rx.CloseAndTakeLeft();
            }
        }, iter: 8);
    }

    [Fact]
    public void ReceiveAsync_ParkedShorterOrLongerThanTheBackstop_EachSendWakesIt()
    {
        // A receiver parks first with a backstop timer, then (idle past it) with every thread fenced
        // and no timer; a send must wake it in either stage (a missed wake hangs the test).
        var received = new List<int>();
        var (tx, rx) = CrossLoopChannel.Create<int>(4);
        OnTwoLoops(
            async () =>
            {
                foreach (var (pause, i) in new[] { (0.0002, 0), (0.02, 1), (0.0, 2) })
                {
                    Thread.Sleep(TimeSpan.FromSeconds(pause)); // the receiving loop parks meanwhile
                    await tx.SendAsync(i);
                    await Coroutine.Sleep(0.005);
                }

                tx.Close();
            },
            async () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    received.Add(await rx.ReceiveAsync());
                }
            });

        Assert.Equal([0, 1, 2], received);
    }

    [Fact]
    public void SendAsync_TwoSenders_EachHasACapacityOfItsOwn()
    {
        var (tx, rx) = CrossLoopChannel.Create<int>(2);
        var other = tx.Clone();
        bool[]? accepted = null;
        OnTwoLoops(
            async () =>
            {
                await Coroutine.Yield();
                accepted = [tx.TrySend(1), tx.TrySend(2), tx.TrySend(3), other.TrySend(4), other.TrySend(5), other.TrySend(6)];
                tx.Close();
                other.Close();
            },
            async () =>
            {
                await Coroutine.Yield();
            });

        Assert.Equal([true, true, false, true, true, false], accepted!);
    }

    [Fact]
    public void ReceiveAsync_OneSenderFarAhead_AnotherSendersItemIsNotStarved()
    {
        // Lanes take turns: a sender with thousands of items waiting gives up to a turn's worth
        // before another sender's item is received.
        var (tx, rx) = CrossLoopChannel.CreateUnbounded<int>();
        var late = tx.Clone();
        var order = new List<int>();
        using var sent = new ManualResetEventSlim();
        OnTwoLoops(
            async () =>
            {
                await Coroutine.Yield();
                for (var i = 0; i < 5_000; i++)
                {
                    tx.TrySend(i);
                }

                late.TrySend(-1);
                sent.Set();
                tx.Close();
                late.Close();
            },
            async () =>
            {
                await Coroutine.FromTask(Task.Run(() => sent.Wait(Limit)));
                await ReceiveUntilEnd(rx, order);
            });

        Assert.Equal(5_001, order.Count);
        Assert.InRange(order.IndexOf(-1), 0, 200);
    }

    [Fact]
    public void Close_TheReceiverWhileAReceiveWaitsOnItsLoop_TheReceiveFailsClearly()
    {
        var (tx, rx) = CrossLoopChannel.Create<int>(4);
        Exception? waiting = null;
        Bounded.Run(() => EventLoop.Run(TaskGroup.Run(async tasks =>
        {
            tasks.Start(Waiting());
            await Coroutine.Sleep(0.01);
            rx.Close();
        })), Limit);

        Assert.IsType<ChannelClosedException>(waiting);
        tx.Close();

        async Coroutine Waiting() => waiting = await Caught(async () => await rx.ReceiveAsync());
    }

    [Fact]
    public void Clone_ManySendersOpenedUsedAndClosed_TheChannelEndsAfterAllTheirItems()
    {
        var (tx, rx) = CrossLoopChannel.Create<int>(4);
        var received = new List<int>();
        OnTwoLoops(
            async () =>
            {
                for (var i = 0; i < 300; i++)
                {
                    using var sender = tx.Clone();
                    await sender.SendAsync(i);
                }

                tx.Close();
            },
            async () =>
            {
                await ReceiveUntilEnd(rx, received);
            });

        Assert.Equal(Enumerable.Range(0, 300), received.Order());
    }

    /// <summary>Receives into <paramref name="into"/> until the end of the channel.</summary>
    private static async Coroutine ReceiveUntilEnd<T>(CrossLoopReceiver<T> rx, List<T> into)
    {
        try
        {
            while (true)
            {
                into.Add(await rx.ReceiveAsync());
            }
        }
        catch (EndOfChannelException)
        {
        }
    }

    private static async Coroutine<Exception?> Caught(Func<Coroutine> operation)
    {
        try
        {
            await operation();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
