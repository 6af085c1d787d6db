using System.Threading.Channels;
using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class ChannelSenderTests
{
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
}
