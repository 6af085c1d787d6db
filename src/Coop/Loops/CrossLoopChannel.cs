// A channel between event loops (CrossLoopChannelState.cs has the mechanism): the one thread-safe
// path for data from a task on one loop to a task on another. Each handle belongs to one loop, the
// loop it is first used on, as Sync/'s primitives do; clone the sender for every other loop that
// sends. There is one receiver: a channel is one loop's mailbox. Backpressure and cancel-safety are
// the in-loop channel's (CoopChannel): a send waits while the channel is full, a canceled send sent
// nothing and a canceled receive took nothing.
using Coop.Loops;

namespace Coop;

/// <summary>Creates channels between event loops, for example the loops of a
/// <see cref="LoopGroup"/>: <c>var (tx, rx) = CrossLoopChannel.Create&lt;int&gt;(64);</c>, hand
/// <c>tx</c> (or a clone per sending loop) to the senders and <c>rx</c> to the receiving loop.</summary>
public static class CrossLoopChannel
{
    /// <summary>A channel holding at most <paramref name="capacity"/> items sent and not yet
    /// received; a send waits while it is full.</summary>
    /// <param name="capacity">At least 1.</param>
    public static (CrossLoopSender<T> Sender, CrossLoopReceiver<T> Receiver) Create<T>(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, "a cross-loop channel's capacity (items sent and not yet received; CreateUnbounded has no limit)");
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
