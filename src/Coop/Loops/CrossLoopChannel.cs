// A channel between event loops (CrossLoopChannelState.cs and CrossLoopLane.cs have the mechanism):
// the one thread-safe path for data from a task on one loop to a task on another. Each handle belongs
// to one loop, the loop it is first used on, as Sync/'s primitives do; clone the sender for every
// other loop that sends. There is one receiver: a channel is one loop's mailbox. Each sender handle
// has a lane of its own, so the capacity bounds each sender, not the channel as a whole: one count
// shared by every sender would be a cache line written by every send of every core. Cancel-safety is
// the in-loop channel's (CoopChannel): a canceled send sent nothing and a canceled receive took
// nothing.
using Coop.Loops;

namespace Coop;

/// <summary>Creates channels between event loops, for example the loops of a
/// <see cref="LoopGroup"/>: <c>var (tx, rx) = CrossLoopChannel.Create&lt;int&gt;(64);</c>, hand
/// <c>tx</c> (or a clone per sending loop) to the senders and <c>rx</c> to the receiving loop.</summary>
public static class CrossLoopChannel
{
    /// <summary>A channel in which each sender handle has at most <paramref name="capacity"/> items
    /// sent and not yet received; a send waits while its sender is at that limit. Room comes back as
    /// the receiver takes the sender's items, in steps of a quarter of the capacity (at most 64), and
    /// all of it whenever the receiver finds that sender's items used up.</summary>
    /// <param name="capacity">At least 1: the limit of each sender handle (the original and each
    /// clone), so <c>k</c> senders may have <c>k * capacity</c> items in the channel.</param>
    public static (CrossLoopSender<T> Sender, CrossLoopReceiver<T> Receiver) Create<T>(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, "a cross-loop channel's capacity (items each sender has sent and not yet received; CreateUnbounded has no limit)");
        var state = new CrossLoopChannelState<T>(capacity);
        return (new CrossLoopSender<T>(state), new CrossLoopReceiver<T>(state));
    }

    /// <summary>A channel without a limit: a send never waits. Only for senders whose rate is
    /// bounded some other way; otherwise a slow receiver lets memory grow without end.</summary>
    public static (CrossLoopSender<T> Sender, CrossLoopReceiver<T> Receiver) CreateUnbounded<T>()
    {
        var state = new CrossLoopChannelState<T>(int.MaxValue);
        return (new CrossLoopSender<T>(state), new CrossLoopReceiver<T>(state));
    }
}
