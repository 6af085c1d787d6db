using System.Threading.Channels;
using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class ChannelReceiverTests
{
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
}
