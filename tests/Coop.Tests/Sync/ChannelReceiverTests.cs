using System.Runtime.CompilerServices;
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
            var loop = EventLoop.Current;
            var rx2 = rx.Clone();
            await tx.SendAsync(1);
            var blocked = loop.CreateTask(Await(tx.SendAsync(2)));
            await Ticks(1);
            rx.Close();
            Assert.Throws<ChannelClosedException>(() => rx.ReceiveAsync());
            await Ticks(1);
            Assert.False(blocked.IsDone); // rx2 is still open
            rx2.Close();
            await Assert.ThrowsAsync<ChannelClosedException>(async () => await blocked);
            Assert.Throws<ChannelClosedException>(() => tx.SendAsync(3));
        });
    }

    [Fact]
    public void Cancel_ReceiverAfterHandOff_ItemGoesToOtherReceiver()
    {
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var loop = EventLoop.Current;
            var a = loop.CreateTask(Await(rx.ReceiveAsync()));
            var b = loop.CreateTask(Await(rx.Clone().ReceiveAsync()));
            await Ticks(1);
            await tx.SendAsync(5); // handed to a
            a.Cancel();
            Assert.Equal(5, await b);
            await Assert.ThrowsAsync<CanceledException>(async () => await a);
        });
    }

    [Fact]
    public void ReceiveAllInto_SystemThreadingChannel_ForwardsAndCompletes()
    {
        var bcl = Channel.CreateUnbounded<int>();
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.Create<int>(2);
            var loop = EventLoop.Current;
            var pump = loop.CreateTask(rx.CopyToAsync(bcl.Writer));
            for (var i = 0; i < 20; i++)
            {
                await tx.SendAsync(i);
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
    public void CopyToAsync_CanceledWhileWriterIsFull_LosesNothing()
    {
        var bcl = Channel.CreateBounded<int>(1);
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            for (var i = 0; i < 3; i++)
            {
                tx.TrySend(i);
            }

            var pump = EventLoop.Current.CreateTask(rx.CopyToAsync(bcl.Writer));
            for (var i = 0; i < 5; i++)
            {
                await Coroutine.Yield();
            }

            pump.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await pump);
            Assert.True(rx.TryReceive(out var second)); // the writer took one; the rest stayed here
            Assert.Equal(1, second);
            Assert.True(rx.TryReceive(out var third));
            Assert.Equal(2, third);
        });
        Assert.True(bcl.Reader.TryRead(out var first));
        Assert.Equal(0, first);
        Assert.False(bcl.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void CopyToAsync_WriterCompletedByOthers_StopsAndLeavesTheRest()
    {
        var bcl = Channel.CreateUnbounded<int>();
        bcl.Writer.Complete();
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            tx.TrySend(7);
            await rx.CopyToAsync(bcl.Writer);
            Assert.True(rx.TryReceive(out var left));
            Assert.Equal(7, left);
        });
    }

    [Fact]
    public void Receive_AfterClose_MessageSaysToCloneFirst_AndToStringShowsIt()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var spare = rx.Clone();
            Assert.Equal("<ChannelReceiver open <CoopQueue 0/∞>>", rx.ToString());
            rx.Close();
            Assert.Equal("<ChannelReceiver closed <CoopQueue 0/∞>>", rx.ToString());
            var closed = Assert.Throws<ChannelClosedException>(() => rx.ReceiveAsync());
            Assert.Equal("This channel receiver is closed: clone a receiver before closing it if you need another.", closed.Message);
            Assert.Throws<ChannelClosedException>(() => rx.TryReceive(out _));
            Assert.Throws<ChannelClosedException>(() => rx.Clone());
            Assert.True(tx.TrySend(1)); // a clone still receives
            Assert.True(spare.TryReceive(out var item));
            Assert.Equal(1, item);
        });
    }

    [Fact]
    public void Receive_EverySenderClosedAndDrained_EndsWithAClearMessage()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var (tx, rx) = CoopChannel.Create<int>(1);
            var second = tx.Clone();
            Assert.True(tx.TrySend(1));
            tx.Close();
            Assert.False(rx.IsCompleted); // one sender still open
            second.Close();
            Assert.False(rx.IsCompleted); // an item still buffered
            Assert.Equal(1, await rx.ReceiveAsync());
            Assert.True(rx.IsCompleted);
            var end = Assert.Throws<EndOfChannelException>(() => rx.ReceiveAsync());
            Assert.Equal("Every sender of this channel is closed and it is empty.", end.Message);
            Assert.False(rx.TryReceive(out _)); // TryReceive reports the end as false, without throwing
        });
    }

    [Fact]
    public void Close_Twice_CountsOnceSoTheOtherReceiverStillReceives()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var spare = rx.Clone();
            rx.Close();
            rx.Dispose(); // a second close is a no-op
            Assert.True(rx.IsClosed);
            Assert.False(spare.IsClosed);
            Assert.True(tx.TrySend(1));
            Assert.True(spare.TryReceive(out var one));
            Assert.Equal(1, one);
            Assert.False(spare.TryReceive(out _)); // empty, not ended
            spare.Dispose();
            Assert.Throws<ChannelClosedException>(() => tx.TrySend(2));
        });
    }

    [Fact]
    public void CopyTo_NullWriter_ThrowsArgumentNull()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var (_, rx) = CoopChannel.CreateUnbounded<int>();
            Assert.Equal("writer", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await rx.CopyToAsync(null!))).ParamName);
        });
    }

    [Fact]
    public void CopyToAsync_WriterFilledByAnotherProducerWhileWaitingForAnItem_TheItemStillArrives()
    {
        var bcl = Channel.CreateBounded<int>(1);
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();
            var pump = EventLoop.Current.CreateTask(rx.CopyToAsync(bcl.Writer));
            await Ticks(5); // the writer had room: the pump waits for an item
            Assert.True(bcl.Writer.TryWrite(100)); // another producer takes that room
            tx.TrySend(1);
            await Ticks(5); // the pump holds the item and waits for room
            Assert.True(bcl.Reader.TryRead(out var other));
            Assert.Equal(100, other);
            Assert.Equal(1, await Coroutine.FromTask(token => bcl.Reader.ReadAsync(token).AsTask()));
            tx.Close();
            await pump;
        });
        Assert.True(bcl.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void Close_LastReceiverWithItemsBuffered_TheItemsAreDroppedNotKept()
    {
        // Nobody can receive them any more: the channel lets them go (they may be large buffers).
        Run(async () =>
        {
            var (tx, rx) = CoopChannel.CreateUnbounded<object>();
            var buffered = SendAnItem(tx);
            await Coroutine.Yield();
            rx.Close();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.False(buffered.IsAlive);
            GC.KeepAlive(tx);
        });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference SendAnItem(ChannelSender<object> tx)
    {
        var item = new byte[1000];
        Assert.True(tx.TrySend(item));
        return new WeakReference(item);
    }
}
