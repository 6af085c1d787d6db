using System.Runtime.CompilerServices;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

/// <summary>What a dump says a task waits on when it waits on a memory channel: a receiver on an
/// empty channel is told apart by whether any open sender is still alive, a sender on a full one by
/// what is buffered.</summary>
public class WaitTargetTests
{
    private static async Coroutine Pass() => await Coroutine.Yield();

    private static async Coroutine Receive(ChannelReceiver<int> receiver) => await receiver.ReceiveAsync();

    /// <summary>The dump's words for the one task named <paramref name="name"/>, taken after
    /// <paramref name="start"/> ran its tasks to their first wait (and a collection).</summary>
    private static string WaitingOn(Func<EventLoop, List<CoopTask>> start, string name) =>
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var tasks = start(loop);
            loop.RunUntilComplete(Pass());
            loop.RunUntilComplete(Pass());
            GC.Collect();
            var dump = TaskDump.Capture(loop);
            tasks.ForEach(t => t.Cancel());
            loop.RunUntilComplete(Pass());
            return dump.Tasks.Single(t => t.Name == name).WaitingOn!;
        });

    private static async Coroutine SendTwo(ChannelSender<int> sender)
    {
        Assert.True(sender.TrySend(1));
        await sender.SendAsync(2);
    }

    [Fact]
    public void Channel_ASenderWaitingOnAFullChannel_IsSaidToWaitOnItFull()
    {
        var (sender, receiver) = CoopChannel.Create<int>(1);

        var text = WaitingOn(loop => [loop.CreateTask(SendTwo(sender), "sender")], "sender");

        Assert.Matches(@"^channel \d+ \(full: 1 item buffered\)$", text);
        GC.KeepAlive(receiver);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ChannelReceiver<int> ChannelWithTwoSendersOneDropped(out ChannelSender<int> kept)
    {
        var (sender, receiver) = CoopChannel.Create<int>(4);
        kept = sender.Clone();
        return receiver; // `sender` is dropped without Close
    }

    [Fact]
    public void Channel_AReceiverWithOneSenderAliveAndOneDropped_CountsBoth()
    {
        var receiver = ChannelWithTwoSendersOneDropped(out var kept);

        var text = WaitingOn(loop => [loop.CreateTask(Receive(receiver), "receiver")], "receiver");

        Assert.Matches(@"^channel \d+ \(empty; 1 live sender, held by tasks no report can name, and 1 sender dropped without Close\)$", text);
        GC.KeepAlive(kept);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ChannelReceiver<int> ChannelWithTwoSendersBothDropped()
    {
        var (sender, receiver) = CoopChannel.Create<int>(4);
        _ = sender.Clone();
        return receiver;
    }

    [Fact]
    public void Channel_AReceiverWhoseSendersWereAllDropped_HasNoLiveSender()
    {
        var receiver = ChannelWithTwoSendersBothDropped();

        var text = WaitingOn(loop => [loop.CreateTask(Receive(receiver), "receiver")], "receiver");

        Assert.Matches(@"^channel \d+ with no live sender \(its 2 open senders were dropped without Close and collected: nothing can ever be sent to it\)$", text);
    }

    [Fact]
    public void Channel_SendersClosedOneByOne_TheReceiverEndsInsteadOfWaiting()
    {
        // The counts a report reads are the ones that end the channel: the last Close still ends it.
        var (sender, receiver) = CoopChannel.Create<int>(4);
        var clone = sender.Clone();
        sender.Close();
        Assert.False(receiver.IsCompleted);

        clone.Close();

        Assert.True(receiver.IsCompleted);
    }
}
