// The shared part of a cross-loop channel (CrossLoopChannel.cs): its lanes, one per sender handle
// (CrossLoopLane.cs, single-producer single-consumer queues), which senders are open, and whether the
// receiver runs, is parked or is closed. The lanes carry the items; this file decides who must be
// woken and settles a send against the receiver's close.
// The fast path of a send: publish into its lane, then one plain read of _receiver. Null there means
// the receiver is running (or spinning before it parks) and will find the item itself, so a send to
// a busy receiver costs no lock, no interlocked operation, no fence and no post. A parked receiver is
// a future of its loop, which the sender that takes it completes through that loop's inbox, once per
// park.
// Why no fence on the send: publish-then-look against park-then-look is Dekker's handshake, and each
// side needs a full fence between its write and its read, or a core may read before its own write is
// visible and both miss each other (the one reordering x64 allows). A fence per send costs about as
// much as the rest of the send and stalls it on the cache lines in flight, so the handshake is
// asymmetric, in two stages (CrossLoopReceiver.Receive):
// - A receiver that parks marks itself parked with a compare-and-swap (its own full fence), looks at
//   the lanes again, and waits with a backstop timer of BackstopSeconds. A send that reads the mark
//   wakes it at once. The one miss left is a send whose publish still sat in its core's store buffer
//   while it read the mark before the mark was set: that item is found when the backstop fires.
// - A receiver still parked when the backstop fires runs Interlocked.MemoryBarrierProcessWide
//   (membarrier on Linux), which makes every running thread of the process pass a full fence, looks
//   again, and parks with no timer: after that fence either a send's item is visible to the receiver's
//   look or the send's read comes after the mark and sees it.
// So a message to a briefly parked receiver is not slowed by the process-wide fence (a few
// microseconds, and an interruption of every other running thread of the process), and a receiver
// idle for longer pays it once per idle stretch.
// Closing: the receiver's close (or a send that finds the receiver's loop closed) sets _receiver to a
// closure, for good, then the same process-wide fence; then each lane is sealed (CrossLoopLane.Seal*)
// so that an item in flight is either handed back by the close or failed back to its sender.
// Senders cloned from any thread register their lane under _gate; the receiver copies the list when
// _lanesVersion moves, and drops a lane whose sender closed once it is empty. _gate is never taken on
// the path of an item.
// Waiting is never a hand-off: a woken receiver or sender tries again in its own step, so a canceled
// wait has taken or sent nothing.
namespace Coop.Loops;

internal sealed class CrossLoopChannelState<T>
{
    private static readonly Closure ReceiverClosed = new("The cross-loop channel's receiver is closed: nobody will receive this item.");
    private static readonly Closure ReceivingLoopClosed = new("The cross-loop channel's receiving loop is closed: nobody will receive this item.");

    /// <summary>How long a parked receiver waits before it fences every thread and looks again.</summary>
    public const double BackstopSeconds = 0.001;

    /// <summary>How many times a side spins before it parks (SpinBeforeParking).</summary>
    private const int SpinRounds = 35;

    private readonly object _gate = new();
    private readonly List<CrossLoopLane<T>> _lanes = new(); // under _gate
    private int _lanesVersion;                                // moves when a lane is added
    private int _openSenders;
    private object? _receiver;                                // null (running), a Future (parked) or a Closure

    public CrossLoopChannelState(int capacity)
    {
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int LanesVersion => Volatile.Read(ref _lanesVersion);

    /// <summary>True once every sender handle closed.</summary>
    public bool AllSendersClosed => Volatile.Read(ref _openSenders) == 0;

    public bool IsReceiverClosed => Volatile.Read(ref _receiver) is Closure;

    /// <summary>A lane for a new sender handle; callable from any thread.</summary>
    public CrossLoopLane<T> OpenLane()
    {
        var lane = new CrossLoopLane<T>(Capacity);
        lock (_gate)
        {
            _lanes.Add(lane);
            Interlocked.Increment(ref _openSenders);
            Volatile.Write(ref _lanesVersion, _lanesVersion + 1);
        }

        return lane;
    }

    /// <summary>The receiver's copy of the lanes.</summary>
    public void CopyLanes(List<CrossLoopLane<T>> into)
    {
        lock (_gate)
        {
            into.Clear();
            into.AddRange(_lanes);
        }
    }

    /// <summary>On the receiver: forgets a lane whose sender closed and which is empty.</summary>
    public void DropLane(CrossLoopLane<T> lane)
    {
        lock (_gate)
        {
            _lanes.Remove(lane);
        }
    }

    /// <summary>One sender handle closed, after its last send; the last one ends the channel.</summary>
    public void SenderClosed(CrossLoopLane<T> lane)
    {
        lane.CloseSender();
        if (Interlocked.Decrement(ref _openSenders) == 0)
        {
            WakeReceiver();
        }
    }

    /// <summary>Sends through <paramref name="lane"/> if it has room.</summary>
    /// <exception cref="ChannelClosedException">The receiver is closed, or its loop is.</exception>
    public bool TrySend(CrossLoopLane<T> lane, T item)
    {
        var index = lane.Tail;
        if (!lane.TryPush(item))
        {
            ThrowIfReceiverClosed();
            return false;
        }

        // No fence between the publish and this read: the receiver's side of the handshake has it.
        return Volatile.Read(ref _receiver) is not { } receiver || Notify(lane, index, receiver);
    }

    /// <exception cref="ChannelClosedException">The receiver is closed, or its loop is.</exception>
    public void ThrowIfReceiverClosed()
    {
        if (Volatile.Read(ref _receiver) is Closure closure)
        {
            throw new ChannelClosedException(closure.Message);
        }
    }

    /// <summary>After publishing the item at <paramref name="index"/>: wakes a parked receiver, or
    /// settles the item against a close. True if the item was sent.</summary>
    private bool Notify(CrossLoopLane<T> lane, long index, object receiver)
    {
        if (receiver is Future parked)
        {
            if (Interlocked.CompareExchange(ref _receiver, null, parked) != parked)
            {
                // Another sender woke it, or it stopped waiting by itself: it looks at every lane
                // after it parks, so it will find this item unless it closed meanwhile.
                receiver = Volatile.Read(ref _receiver)!;
                if (receiver is not Closure)
                {
                    return true;
                }
            }
            else if (Wake(parked))
            {
                return true;
            }
            else
            {
                Interlocked.CompareExchange(ref _receiver, ReceivingLoopClosed, null);
                receiver = Volatile.Read(ref _receiver)!;
            }
        }

        if (lane.SealAgainstSend(index))
        {
            return true; // the receiver's close took it and hands it back
        }

        throw new ChannelClosedException(((Closure)receiver).Message);
    }

    /// <summary>On the receiver: parks <paramref name="parked"/> (with a full fence), and with
    /// <paramref name="fenceEveryThread"/> makes every thread of the process pass one too. The caller
    /// must then look at every lane, and unpark if it finds anything.</summary>
    public void ParkReceiver(Future parked, bool fenceEveryThread)
    {
        while (Interlocked.CompareExchange(ref _receiver, parked, null) is { } seen)
        {
            if (seen is Closure closure)
            {
                throw new ChannelClosedException(closure.Message);
            }

            Interlocked.CompareExchange(ref _receiver, null, seen); // a future left by a wait that ended
        }

        if (fenceEveryThread)
        {
            Interlocked.MemoryBarrierProcessWide();
        }
    }

    /// <summary>True while <paramref name="parked"/> is parked: no sender took it.</summary>
    public bool IsParked(Future parked) => Volatile.Read(ref _receiver) == parked;

    /// <summary>Withdraws the receiver's future if no sender took it.</summary>
    public void UnparkReceiver(Future parked) => Interlocked.CompareExchange(ref _receiver, null, parked);

    /// <summary>Closes the receiving side: later sends fail, parked senders wake (to fail), and the
    /// items nobody received are returned so that the caller can dispose of them.</summary>
    public List<T> CloseReceiver()
    {
        // Closed first, with every thread's fence (the receiver's half of the handshake with a send
        // in flight), then the lanes: a lane registered after the copy belongs to a sender that sees
        // the closure before it sends anything.
        var was = Interlocked.Exchange(ref _receiver, ReceiverClosed);
        Interlocked.MemoryBarrierProcessWide();
        if (was is Future parked)
        {
            Wake(parked); // a receive waiting on this loop wakes to find its handle closed
        }

        var lanes = new List<CrossLoopLane<T>>();
        CopyLanes(lanes);
        var left = new List<T>();
        foreach (var lane in lanes)
        {
            lane.SealAndDrain(left);
        }

        return left;
    }

    /// <summary>Before either side parks: spins a moment (ManualResetEventSlim's count, as it does
    /// before it blocks) until <paramref name="stop"/> says the wait is over or <paramref name="loop"/>
    /// has work due, which spares the other side a post and this loop a sleep and a wake when the
    /// other side is about to act. On one processor it does not spin: the other side cannot run meanwhile.</summary>
    public static void SpinBeforeParking<TSide>(EventLoop loop, TSide side, Func<TSide, bool> stop)
    {
        if (Environment.ProcessorCount == 1)
        {
            return;
        }

        var spinner = default(SpinWait);
        for (var i = 0; i < SpinRounds && !stop(side) && !loop.HasWorkDue; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Completes a waiting future on its own loop's thread. False if that loop is closed.</summary>
    public static bool Wake(Future waiter) =>
        waiter.Loop.TryPostOutcome(static f => ((Future)f!).TrySetResult(), waiter, static _ => { });

    private void WakeReceiver()
    {
        if (Volatile.Read(ref _receiver) is Future parked && Interlocked.CompareExchange(ref _receiver, null, parked) == parked)
        {
            Wake(parked);
        }
    }

    private sealed class Closure(string message)
    {
        public string Message { get; } = message;
    }
}
