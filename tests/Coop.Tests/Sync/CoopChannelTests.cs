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
                    var loop = EventLoop.Current;
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
                        catch (CanceledException)
                        {
                        }
                    }

                    // A producer canceled before it first ran never reached its `using`: close its handle here.
                    senders.ForEach(s => s.Close());
                    foreach (var t in consumerTasks.Append(drain))
                    {
                        try
                        {
                            await t;
                        }
                        catch (CanceledException)
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
                            await mine.SendAsync((p * 1000) + i);
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
