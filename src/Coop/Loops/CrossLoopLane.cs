// One sender's lane of a cross-loop channel (CrossLoopChannelState.cs): a single-producer,
// single-consumer queue, the shape of Rigtorp's SPSC queue and of Seastar's per-core queues. Each
// sender handle owns a lane, so a channel with many senders is many lanes and one receiver that scans
// them; no two threads ever write the same index, and the fast path of a send or a take has no lock
// and no interlocked operation (CrossLoopChannelState.cs says how the receiver is woken without one).
// Items live in linked segments: the sender appends a segment when it fills one, the receiver follows
// the link and hands the one it left back as a spare (one at most, taken with an exchange once per
// segment), so an unbounded lane grows and shrinks without copying, a bounded lane allocates one
// segment up front however large its capacity, and a steady stream reuses two segments instead of
// making garbage. The receiver has cleared every slot it read, and unlinks the spare, before offering
// it. A segment has 1,024 slots, or the capacity rounded up to a power of two when that is smaller (16
// at least): a reply channel of capacity 1 costs a few hundred bytes, not eight kilobytes.
// Indices (CrossLoopLaneIndices.cs) count items from the lane's start and never wrap. The sender
// publishes Tail after it wrote the slot (a release write), so a receiver that reads Tail sees the
// items below it. Each side caches the other's index and reads the real one only when its copy says
// full (sender) or empty (receiver).
// Room is given back in steps: the receiver publishes Head after every GiveBackStep items it took and
// whenever it finds the lane empty, each time followed by a full fence and a look at the parked sender
// (the receiver's half of the Dekker handshake; the sender's half is ParkSender). So a sender waits
// only while its lane holds `capacity` items not given back, and is never left parked while the room
// it waits for is published.
// Closing the receiver against a send in flight: whoever seals the lane first (Seal, one
// compare-and-swap) decides which items are the receiver's to hand back (below the seal) and which
// stay the senders' (from the seal on, their sends fail), so each item is either returned by
// CloseAndTakeLeft or its send fails, never neither and never both.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Coop.Loops;

internal sealed class CrossLoopLane<T>
{
    private const int MaxSegmentLength = 1024;
    private const int MinSegmentLength = 16;
    private const int MaxGiveBackStep = 64;

    private readonly long _capacity;          // long.MaxValue for an unbounded lane
    private readonly long _giveBackStep;      // how many taken items the receiver gives back at once
    private readonly int _slotMask;           // segments have a power of two of slots: an index's slot is index & _slotMask
    private CrossLoopLaneIndices _indices;
    private Segment _tailSegment;             // the sender's: where Tail's slot is
    private Segment _headSegment;             // the receiver's: where Taken's slot is
    private Segment? _spareSegment;           // one the receiver is done with, for the sender to reuse
    private Future? _parkedSender;            // a future of the sender's loop, woken when room comes back
    private long _seal = -1;                  // once the receiver closed: the first index it does not hand back
    private int _senderClosed;

    public CrossLoopLane(int capacity)
    {
        _capacity = capacity == int.MaxValue ? long.MaxValue : capacity;
        _giveBackStep = GiveBackStepFor(capacity);
        _slotMask = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, MinSegmentLength)), MaxSegmentLength) - 1;
        _tailSegment = _headSegment = new Segment(_slotMask + 1);
    }

    /// <summary>How many taken items the receiver of a lane of <paramref name="capacity"/> gives back
    /// at once (it gives back all it took, too, whenever it finds the lane empty).</summary>
    public static int GiveBackStepFor(int capacity) => Math.Clamp(capacity / 4, 1, MaxGiveBackStep);

    /// <summary>Set once the sender handle closed; nothing is published after it.</summary>
    public bool IsSenderClosed => Volatile.Read(ref _senderClosed) != 0;

    /// <summary>The index the next item published gets (the sender's).</summary>
    public long Tail => _indices.Tail;

    /// <summary>For a spinning receiver: true if an item may be waiting, without taking it.</summary>
    public bool MayHaveItems => Volatile.Read(ref _indices.Tail) != _indices.Taken;

    public void CloseSender() => Volatile.Write(ref _senderClosed, 1);

    // ------------------------------------------------------------ the sender's side

    /// <summary>Publishes <paramref name="item"/> if the lane holds fewer than its capacity of items
    /// not given back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPush(T item)
    {
        ref var ix = ref _indices;
        var tail = ix.Tail;
        if (tail - ix.HeadCache >= _capacity && !HasRoomNow())
        {
            return false;
        }

        var slot = (int)tail & _slotMask;
        var segment = _tailSegment;
        if (slot == 0 && tail != 0)
        {
            var next = Interlocked.Exchange(ref _spareSegment, null) ?? new Segment(_slotMask + 1);
            segment.Next = next; // published by the Tail write below
            _tailSegment = segment = next;
        }

        segment.Items[slot] = item;
        Volatile.Write(ref ix.Tail, tail + 1);
        return true;
    }

    /// <summary>Reads the receiver's Head again: true if the lane has room.</summary>
    public bool HasRoomNow()
    {
        ref var ix = ref _indices;
        ix.HeadCache = Volatile.Read(ref ix.Head);
        return ix.Tail - ix.HeadCache < _capacity;
    }

    /// <summary>Parks the sender on a full lane: <paramref name="room"/> is completed (through its
    /// loop's inbox) once the receiver gives room back or closes. False when room came meanwhile or
    /// the receiver of <paramref name="channel"/> is closed: then the caller tries again at once and
    /// does not wait.</summary>
    public bool ParkSender(Future room, CrossLoopChannelState<T> channel)
    {
        // The sender's half of the Dekker handshake: park, fence, look again. The receiver publishes
        // Head, fences and looks at _parkedSender, so at least one of the two sees the other.
        Volatile.Write(ref _parkedSender, room);
        Interlocked.MemoryBarrier();
        if (HasRoomNow() || channel.IsReceiverClosed)
        {
            Unpark(room);
            return false;
        }

        return true;
    }

    /// <summary>Withdraws a parked sender's future if no wake took it (a canceled or finished wait).</summary>
    public void Unpark(Future room) => Interlocked.CompareExchange(ref _parkedSender, null, room);

    /// <summary>Wakes the parked sender, if any (the receiver closing, or giving room back).</summary>
    public void WakeSender()
    {
        if (Volatile.Read(ref _parkedSender) is { } parked && Interlocked.CompareExchange(ref _parkedSender, null, parked) == parked)
        {
            CrossLoopChannelState<T>.Wake(parked);
        }
    }

    /// <summary>After the receiver closed: settles who owns the item the sender published at
    /// <paramref name="index"/>. True if the receiver's close hands it back (the send happened); false
    /// if it stays the sender's (the send failed, and the slot no longer holds it).</summary>
    public bool SealAgainstSend(long index)
    {
        var seal = Interlocked.CompareExchange(ref _seal, index, -1);
        if (seal == -1 || index >= seal)
        {
            _tailSegment.Items[(int)index & _slotMask] = default!; // the last item published
            return false;
        }

        return true;
    }

    // ------------------------------------------------------------ the receiver's side

    /// <summary>Takes the next item if one is published.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryTake(out T item)
    {
        ref var ix = ref _indices;
        var taken = ix.Taken;
        if (taken == ix.TailCache)
        {
            ix.TailCache = Volatile.Read(ref ix.Tail);
            if (taken == ix.TailCache)
            {
                if (ix.Head != taken && _capacity != long.MaxValue)
                {
                    GiveBackRoom();
                }

                item = default!;
                return false;
            }
        }

        var slot = (int)taken & _slotMask;
        var segment = _headSegment;
        if (slot == 0 && taken != 0)
        {
            var used = segment;
            _headSegment = segment = segment.Next!;
            used.Next = null;
            Volatile.Write(ref _spareSegment, used);
        }

        item = segment.Items[slot];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            segment.Items[slot] = default!; // the channel no longer holds what it handed out
        }

        ix.Taken = taken + 1;
        if (taken + 1 - ix.Head >= _giveBackStep && _capacity != long.MaxValue)
        {
            GiveBackRoom();
        }

        return true;
    }

    /// <summary>True if nothing is published and not taken (the receiver's view, read fresh).</summary>
    public bool IsEmpty
    {
        get
        {
            ref var ix = ref _indices;
            ix.TailCache = Volatile.Read(ref ix.Tail);
            return ix.TailCache == ix.Taken;
        }
    }

    /// <summary>On the receiver's close, after it marked the channel closed (and every thread fenced): seals
    /// the lane at what is published now, unless a sender sealed it first, and moves every item below
    /// the seal into <paramref name="left"/>; then wakes a parked sender so that it fails.</summary>
    public void SealAndDrain(List<T> left)
    {
        var tail = Volatile.Read(ref _indices.Tail);
        var seal = Interlocked.CompareExchange(ref _seal, tail, -1);
        var end = seal == -1 ? tail : seal;
        while (_indices.Taken < end && TryTake(out var item))
        {
            left.Add(item);
        }

        WakeSender();
    }

    /// <summary>The receiver's half of the Dekker handshake with a parked sender: publish the room,
    /// fence, look for a sender waiting for it.</summary>
    private void GiveBackRoom()
    {
        Volatile.Write(ref _indices.Head, _indices.Taken);
        Interlocked.MemoryBarrier();
        WakeSender();
    }

    private sealed class Segment(int length)
    {
        public readonly T[] Items = new T[length];
        public Segment? Next;
    }
}
