// Memory channels (Trio's open_memory_channel): a queue seen through two kinds of handle, senders
// and receivers, which can be cloned and closed independently. The channel ends for receivers when
// every sender is closed (after the buffered items are drained) and breaks for senders when every
// receiver is closed. Built on CoopQueue (ChannelState.cs), so it inherits its fairness and its
// cancel-safety; the handles are in ChannelSender.cs and ChannelReceiver.cs.
namespace Coop;

/// <summary>Creates memory channels with backpressure (Trio's <c>open_memory_channel</c>).</summary>
public static class CoopChannel
{
    /// <summary>A channel that buffers up to <paramref name="capacity"/> items; a send waits while the
    /// buffer is full (backpressure).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1
    /// (use <see cref="CreateUnbounded{T}"/> for no limit).</exception>
    public static (ChannelSender<T> Sender, ChannelReceiver<T> Receiver) Create<T>(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var state = new Core.ChannelState<T>(capacity);
        return (new ChannelSender<T>(state), new ChannelReceiver<T>(state));
    }

    /// <summary>A channel whose sends never wait.</summary>
    public static (ChannelSender<T> Sender, ChannelReceiver<T> Receiver) CreateUnbounded<T>()
    {
        var state = new Core.ChannelState<T>(0);
        return (new ChannelSender<T>(state), new ChannelReceiver<T>(state));
    }
}
