// The shared part of a cross-loop channel (CrossLoopChannel.cs): the only structure in Loops/ that two
// threads touch, so everything in it is read and written under one lock, and everything a loop must
// do in reaction (wake the receiver, wake a sender waiting for room) crosses to that loop through its
// inbox, the kernel's one thread-safe door.
// Batching: the receiver never takes items one at a time from the shared buffer. When its own batch
// is used up it swaps the whole shared buffer for its empty one under the lock, then takes items from
// its batch without any lock. A sender posts to the receiver's inbox only when the receiver is parked
// (waiting for an empty channel), so a busy receiver costs its senders one lock per item and no post
// at all; a post wakes the receiver for everything sent since.
// Capacity counts every item sent and not yet consumed, the receiver's batch included: the receiver
// gives the room of its batch back only when it comes for the next one, so a full channel blocks its
// senders until the receiver has really worked through what it took.
// Spinning before parking: a receiver that finds the channel empty while its loop has nothing else to
// run watches the in-flight count for a moment (as ManualResetEventSlim spins before it blocks) before
// it parks. An item that arrives meanwhile is taken without a post through the inbox and without the
// loop going to sleep and being woken, which is most of one message's latency between two loops.
// Waiting is never a hand-off: a parked receiver or sender is woken by a result-less future of its own
// loop and then tries again in its own step, so a canceled wait has taken or sent nothing.
using Coop.Core;

namespace Coop.Loops;

internal sealed class CrossLoopChannelState<T>
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private List<T> _incoming = new();
    private int _inFlight;              // sent and not yet given back by the receiver
    private int _openSenders = 1;
    private bool _receiverClosed;
    private Future? _parkedReceiver;     // a future of the receiver's loop, completed through its inbox
    private List<Future>? _roomWaiters;  // futures of the senders' loops

    public CrossLoopChannelState(int capacity) => _capacity = capacity;

    public int Capacity => _capacity;

    /// <summary>Read without the lock, as a hint for a receiver that found the channel empty and
    /// spins a moment before it parks: true if an item may have been sent since, or every sender
    /// closed. Once the receiver has given back the room of what it consumed, the in-flight count is
    /// exactly what waits in the shared buffer.</summary>
    public bool MayHaveNews => Volatile.Read(ref _inFlight) > 0 || Volatile.Read(ref _openSenders) == 0;

    /// <summary>Adds a sender handle (a clone).</summary>
    public void SenderOpened()
    {
        lock (_gate)
        {
            _openSenders++;
        }
    }

    /// <summary>One sender handle closed; the last one ends the channel for the receiver.</summary>
    public void SenderClosed()
    {
        Future? wake = null;
        lock (_gate)
        {
            if (--_openSenders == 0)
            {
                wake = _parkedReceiver;
                _parkedReceiver = null;
            }
        }

        if (wake != null)
        {
            Wake(wake);
        }
    }

    /// <summary>Sends if there is room. Returns false and sets <paramref name="room"/> (a future of
    /// <paramref name="loop"/>, completed when the receiver gives room back) when the channel is full;
    /// with <paramref name="room"/> null a full channel just returns false.</summary>
    /// <exception cref="ChannelClosedException">The receiver is closed, or its loop is.</exception>
    public bool TrySend(T item, EventLoop loop, bool wait, out Future? room)
    {
        room = null;
        lock (_gate)
        {
            if (_receiverClosed)
            {
                throw new ChannelClosedException("The cross-loop channel's receiver is closed: nobody will receive this item.");
            }

            if (_inFlight >= _capacity)
            {
                if (wait)
                {
                    room = new Future(loop) { CancelWithWaiter = true };
                    (_roomWaiters ??= new()).Add(room);
                }

                return false;
            }

            if (_parkedReceiver is { } parked)
            {
                // Posted under the lock, so a receiver loop that closed is seen before the item is
                // counted: the send then fails whole. The inbox never takes this lock.
                if (!parked.Loop.TryPostOutcome(static f => ((Future)f!).TrySetResult(), parked, static _ => { }))
                {
                    _receiverClosed = true;
                    _incoming.Clear();
                    throw new ChannelClosedException($"The cross-loop channel's receiving loop is closed: nobody will receive this item.");
                }

                _parkedReceiver = null;
            }

            _incoming.Add(item);
            _inFlight++;
            return true;
        }
    }

    /// <summary>On the receiver's loop: gives back the room of the consumed batch
    /// (<paramref name="consumed"/> items) and swaps the shared buffer into <paramref name="batch"/>,
    /// which must be empty. Returns false when nothing was waiting; then <paramref name="parked"/> is
    /// the future to wait on (when <paramref name="loop"/> is given), or null when every sender is
    /// closed and the channel has ended.</summary>
    public bool TryTakeBatch(ref List<T> batch, int consumed, EventLoop? loop, out Future? parked)
    {
        parked = null;
        List<Future>? wake = null;
        bool took;
        lock (_gate)
        {
            _inFlight -= consumed;
            if (consumed > 0 && _roomWaiters is { Count: > 0 } waiters)
            {
                wake = new List<Future>(waiters);
                waiters.Clear();
            }

            took = _incoming.Count > 0;
            if (took)
            {
                (batch, _incoming) = (_incoming, batch);
            }
            else if (_openSenders > 0 && loop != null)
            {
                parked = new Future(loop) { CancelWithWaiter = true };
                _parkedReceiver = parked;
            }
        }

        if (wake != null)
        {
            foreach (var waiter in wake)
            {
                Wake(waiter);
            }
        }

        return took;
    }

    /// <summary>True once every sender is closed and nothing is left in the shared buffer.</summary>
    public bool HasEnded
    {
        get
        {
            lock (_gate)
            {
                return _openSenders == 0 && _incoming.Count == 0;
            }
        }
    }

    /// <summary>Closes the receiving side: later sends fail, waiting senders wake (to fail), and the
    /// items nobody received are returned so that the caller can dispose of them.</summary>
    public List<T> CloseReceiver()
    {
        List<Future>? wake;
        List<T> left;
        lock (_gate)
        {
            _receiverClosed = true;
            _parkedReceiver = null;
            left = _incoming;
            _incoming = new();
            wake = _roomWaiters;
            _roomWaiters = null;
        }

        if (wake != null)
        {
            foreach (var waiter in wake)
            {
                Wake(waiter);
            }
        }

        return left;
    }

    /// <summary>Completes a waiting future on its own loop's thread; a loop already closed has no
    /// task left to wake.</summary>
    private static void Wake(Future waiter) =>
        waiter.Loop.TryPostOutcome(static f => ((Future)f!).TrySetResult(), waiter, static _ => { });
}
