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
            var loop = EventLoop.Current;
            await tx.SendAsync(1);
            Assert.False(tx.TrySend(2));
            var sending = loop.CreateTask(Await(tx.SendAsync(2)));
            await Ticks(2);
            Assert.False(sending.IsDone);
            Assert.Equal(1, await rx.ReceiveAsync());
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
            await tx.SendAsync("a");
            tx.Close();
            Assert.Throws<ChannelClosedException>(() => tx.SendAsync("x"));
            await tx2.SendAsync("b");
            Assert.Equal("a", await rx.ReceiveAsync());
            Assert.Equal("b", await rx.ReceiveAsync());
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
            var loop = EventLoop.Current;
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
                    await tx.SendAllAsync(bcl.Reader);
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
    public void Send_AfterClose_MessageSaysToCloneFirst_AndToStringShowsIt()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var (tx, rx) = CoopChannel.Create<int>(2);
            var spare = tx.Clone();
            Assert.Equal("<ChannelSender open <CoopQueue 0/2>>", tx.ToString());
            tx.Close();
            Assert.True(tx.IsClosed);
            Assert.Equal("<ChannelSender closed <CoopQueue 0/2>>", tx.ToString());
            var closed = Assert.Throws<ChannelClosedException>(() => tx.SendAsync(1));
            Assert.Equal("This channel sender is closed: clone a sender before closing it if you need another.", closed.Message);
            Assert.Throws<ChannelClosedException>(() => tx.TrySend(1));
            Assert.Throws<ChannelClosedException>(() => tx.Clone());
            Assert.True(spare.TrySend(5)); // the clone is still open: the channel has not ended
            Assert.True(rx.TryReceive(out var item));
            Assert.Equal(5, item);
        });
    }

    [Fact]
    public void Send_EveryReceiverClosed_MessageSaysNobodyWouldGetIt()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var (tx, rx) = CoopChannel.Create<int>(2);
            rx.Close();
            var ex = Assert.Throws<ChannelClosedException>(() => tx.SendAsync(1));
            Assert.Equal("Every receiver of this channel is closed: nobody would get the item.", ex.Message);
        });
    }
}
