// The run queue: a FIFO of ready work, the talk's `runnable_tasks` deque. Entries are 16-byte structs
// (a callback and its state) in fixed segments of 1,024 (16 KB, on the small-object heap) linked head
// to tail. Enqueueing allocates nothing in the steady state: the segment the head leaves is kept for
// the tail. A burst takes memory segment by segment and gives it back as the pass consumes it: no
// doubling copies, and no large array that the garbage collector never compacts away (a million tasks
// made in one step: W2, W4 in docs/benchmarks.md). Used only on the loop thread (EventLoop); the
// cross-thread door is Inbox.
using System.Runtime.CompilerServices;

namespace Coop.Core;

/// <summary>One unit of ready work: a callback and the state it is called with, or, when
/// <paramref name="Callback"/> is null, a step of the task in <paramref name="State"/> (the common case:
/// the loop calls CoopTask.Step directly, and enqueueing stores one reference instead of two).
/// Work another thread posted runs through <see cref="PostedCallback.RunAction"/>.</summary>
internal readonly record struct ReadyItem(Action<object?>? Callback, object? State)
{
    /// <summary>True for work another thread posted: Close reports it rather than drop it.</summary>
    public bool Posted => Callback == PostedCallback.RunAction;

    /// <summary>The delegate the user scheduled, for error reports; null for a task step.</summary>
    public Delegate? Target =>
        Posted ? ((PostedCallback)State!).Target
        : Callback == Handle.RunAction ? ((Handle)State!).Target
        : Callback;

    /// <summary>The name of what runs, for error reports and schedule traces.</summary>
    public string Name => Target?.Method.Name ?? "CoopTask.Step";
}

internal sealed class ReadyQueue
{
    internal const int SegmentLength = 1024;

    private Segment _head = new();
    private Segment _tail;
    private Segment? _spare;  // the last segment the head left, kept for the tail
    private int _headIndex;   // the next entry to dequeue, in _head
    private int _tailIndex;   // the next free slot, in _tail
    private int _count;
    private int _segments = 1;

    public ReadyQueue() => _tail = _head;

    public int Count => _count;

    /// <summary>How many entries the segments in use could hold (tests check bursts are given back).</summary>
    internal int Capacity => (_segments + (_spare == null ? 0 : 1)) * SegmentLength;

    /// <summary>The entry queued last; the queue must not be empty.</summary>
    public ReadyItem Last => _tail.Items[_tailIndex - 1];

    public void Enqueue(Action<object?> callback, object? state) => Enqueue(new ReadyItem(callback, state));

    /// <summary>Queues the next step of <paramref name="task"/>: the hottest call in the loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnqueueStep(CoopTask task)
    {
        if (_tailIndex == SegmentLength)
        {
            AddSegment();
        }

        // The slot was cleared when it was dequeued: only the task reference is written.
        _tail.Items[_tailIndex++] = new ReadyItem(null, task);
        _count++;
    }

    public void Enqueue(in ReadyItem item)
    {
        if (_tailIndex == SegmentLength)
        {
            AddSegment();
        }

        _tail.Items[_tailIndex++] = item;
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadyItem Dequeue()
    {
        ref var slot = ref _head.Items[_headIndex++];
        var item = slot;
        slot = default; // drop the reference so finished work can be collected
        _count--;
        if (_headIndex == SegmentLength || _count == 0)
        {
            AdvanceHead();
        }

        return item;
    }

    /// <summary>The entry at <paramref name="offset"/> from the head, without removing it.</summary>
    public ReadyItem Peek(int offset) => At(offset);

    /// <summary>Moves the entry at <paramref name="offset"/> from the head to the head, keeping the
    /// order of the others (seeded schedules pick which ready item runs next).</summary>
    public void MoveToFront(int offset)
    {
        if (offset <= 0)
        {
            return;
        }

        var chosen = At(offset);
        for (var i = offset; i > 0; i--)
        {
            At(i) = At(i - 1);
        }

        At(0) = chosen;
    }

    /// <summary>Moves the last <paramref name="count"/> entries to the front, keeping their order
    /// and the order of the others: O(count). What a timer woke during a pass runs next
    /// (EventLoop.CheckPoint.cs).</summary>
    public void MoveBackToFront(int count)
    {
        for (var i = 0; i < count; i++)
        {
            PushFront(PopBack()); // the last goes first, then the one before it goes before it, ...
        }
    }

    private ReadyItem PopBack()
    {
        ref var slot = ref _tail.Items[--_tailIndex];
        var item = slot;
        slot = default;
        _count--;
        if (_tailIndex == 0 && _tail != _head)
        {
            var left = _tail;
            _tail = left.Previous!;
            _tail.Next = null;
            left.Previous = null;
            _spare = left;
            _segments--;
            _tailIndex = SegmentLength;
        }

        return item;
    }

    private void PushFront(in ReadyItem item)
    {
        if (_count == 0)
        {
            Enqueue(item);
            return;
        }

        if (_headIndex == 0)
        {
            var segment = _spare ?? new Segment();
            _spare = null;
            segment.Next = _head;
            _head.Previous = segment;
            _head = segment;
            _headIndex = SegmentLength;
            _segments++;
        }

        _head.Items[--_headIndex] = item;
        _count++;
    }

    public void Clear()
    {
        _head = _tail = new Segment();
        _spare = null;
        _headIndex = _tailIndex = _count = 0;
        _segments = 1;
    }

    private ref ReadyItem At(int offset)
    {
        var segment = _head;
        var index = _headIndex + offset;
        while (index >= SegmentLength)
        {
            segment = segment.Next!;
            index -= SegmentLength;
        }

        return ref segment.Items[index];
    }

    private void AddSegment()
    {
        var segment = _spare ?? new Segment();
        _spare = null;
        _tail.Next = segment;
        segment.Previous = _tail;
        _tail = segment;
        _tailIndex = 0;
        _segments++;
    }

    /// <summary>The head segment is used up (or the queue is empty): the next one becomes the head,
    /// and the one left is kept as the spare; an empty queue starts its one segment over.</summary>
    private void AdvanceHead()
    {
        if (_head == _tail)
        {
            _headIndex = _tailIndex = 0;
            return;
        }

        var left = _head;
        _head = left.Next!;
        _head.Previous = null;
        _headIndex = 0;
        left.Next = null;
        _spare = left;
        _segments--;
    }

    [InlineArray(SegmentLength)]
    private struct Slots
    {
        private ReadyItem _first;
    }

    private sealed class Segment
    {
        public Slots Items;
        public Segment? Next;
        public Segment? Previous; // for moving entries from the back to the front
    }
}
