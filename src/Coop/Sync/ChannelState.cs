// What the handles of one memory channel share: the queue and how many handles of each kind are
// open. Closing the last sender shuts the queue down gently (receivers drain it, then see the end);
// closing the last receiver shuts it down at once (buffered items are dropped, senders fail, and a
// receive still waiting fails too).
// The open senders are also kept weakly, for reports (Diagnostics/WaitTarget.cs): a sender dropped
// without Close (its task failed, say) is collected, and a receiver waiting on an empty channel whose
// open senders are all collected waits for ever. Which tasks hold a live sender cannot be known (a
// local of a suspended coroutine, a field, a closure), so reports give counts. The non-generic base
// is what a report reads; the queue is found from the future a receiver waits on (ChannelState.Of).
using System.Runtime.CompilerServices;

namespace Coop.Core;

internal abstract class ChannelState
{
    private static readonly ConditionalWeakTable<object, ChannelState> s_byQueue = [];

    private readonly HashSet<WeakReference> _senders = new(ReferenceEqualityComparer.Instance);

    private protected ChannelState(object queue) => s_byQueue.Add(queue, this);

    /// <summary>Senders made and not closed (collected ones included).</summary>
    public int OpenSenders => _senders.Count;

    public int OpenReceivers { get; private protected set; } = 1;

    /// <summary>Open senders not collected: a sender still reachable from somewhere.</summary>
    public int LiveSenders => _senders.Count(static s => s.IsAlive);

    /// <summary>How many items are buffered.</summary>
    public abstract int Count { get; }

    /// <summary>The channel whose queue is <paramref name="queue"/> (a primitive a future names as its giver), or null.</summary>
    public static ChannelState? Of(object queue) => s_byQueue.TryGetValue(queue, out var channel) ? channel : null;

    /// <summary>Counts a new sender; its handle closes it with the returned reference.</summary>
    public WeakReference SenderOpened(object sender)
    {
        var handle = new WeakReference(sender);
        _senders.Add(handle);
        return handle;
    }

    public void SenderClosed(WeakReference handle)
    {
        _senders.Remove(handle);
        if (_senders.Count == 0)
        {
            OnLastSenderClosed();
        }
    }

    private protected abstract void OnLastSenderClosed();
}

internal sealed class ChannelState<T> : ChannelState
{
    public ChannelState(int capacity)
        : this(new CoopQueue<T>(capacity))
    {
    }

    private ChannelState(CoopQueue<T> queue)
        : base(queue) => Queue = queue;

    public CoopQueue<T> Queue { get; }

    public override int Count => Queue.Count;

    public void ReceiverOpened() => OpenReceivers++;

    public void ReceiverClosed()
    {
        if (--OpenReceivers == 0)
        {
            Queue.ShutdownCore(
                immediate: true,
                getError: static () => new ChannelClosedException("This channel's receivers were all closed while it waited to receive."),
                putError: static () => new ChannelClosedException("Every receiver of this channel is closed: nobody would get the item."));
        }
    }

    private protected override void OnLastSenderClosed() =>
        Queue.ShutdownCore(
            immediate: false,
            getError: static () => new EndOfChannelException("Every sender of this channel is closed and it is empty."),
            putError: null);
}
