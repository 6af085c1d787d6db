// The run queue: a FIFO of ready work, the talk's `runnable_tasks` deque.
// Entries are 16-byte structs (a callback and its state) in a power-of-two ring buffer, so enqueueing a task
// step allocates nothing. Used only on the loop thread (EventLoop); the cross-thread door is Inbox.
using System.Numerics;
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
    public Delegate? Target => Posted ? ((PostedCallback)State!).Target : Callback;

    /// <summary>The name of what runs, for error reports and schedule traces.</summary>
    public string Name => Target?.Method.Name ?? "CoopTask.Step";
}

internal sealed class ReadyQueue
{
    private ReadyItem[] _items = new ReadyItem[64];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Enqueue(Action<object?> callback, object? state) => Enqueue(new ReadyItem(callback, state));

    /// <summary>Queues the next step of <paramref name="task"/>: the hottest call in the loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnqueueStep(CoopTask task)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        // The slot was cleared when it was dequeued: only the task reference is written.
        _items[(_head + _count) & (_items.Length - 1)] = new ReadyItem(null, task);
        _count++;
    }

    public void Enqueue(in ReadyItem item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadyItem Dequeue()
    {
        ref var slot = ref _items[_head];
        var item = slot;
        slot = default; // drop the reference so finished work can be collected
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return item;
    }

    /// <summary>The entry at <paramref name="offset"/> from the head, without removing it.</summary>
    public ReadyItem Peek(int offset) => _items[(_head + offset) & (_items.Length - 1)];

    /// <summary>Moves the entry at <paramref name="offset"/> from the head to the head, keeping the
    /// order of the others (seeded schedules pick which ready item runs next).</summary>
    public void MoveToFront(int offset)
    {
        if (offset <= 0)
        {
            return;
        }

        var mask = _items.Length - 1;
        var chosen = _items[(_head + offset) & mask];
        for (var i = offset; i > 0; i--)
        {
            _items[(_head + i) & mask] = _items[(_head + i - 1) & mask];
        }

        _items[_head] = chosen;
    }

    /// <summary>Moves the last <paramref name="count"/> entries to the front, keeping their order
    /// and the order of the others: O(count). What a timer woke during a pass runs next
    /// (EventLoop.CheckPoint.cs).</summary>
    public void MoveBackToFront(int count)
    {
        var mask = _items.Length - 1;
        for (var i = 0; i < count; i++)
        {
            ref var last = ref _items[(_head + _count - 1) & mask];
            var item = last;
            last = default;
            _head = (_head - 1) & mask;
            _items[_head] = item;
        }
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    /// <summary>Gives memory back after a burst: a queue that once held a million entries and now
    /// holds a few would otherwise keep 16 MB for good. It shrinks only when under an eighth full, to
    /// four times what it holds, so a queue that swings around one size does not resize back and forth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per loop iteration: the check inline, the work apart
    public void TrimExcess()
    {
        if (_items.Length > TrimAbove)
        {
            TrimLarge();
        }
    }

    private void TrimLarge()
    {
        if (_count < _items.Length / 8)
        {
            Resize(Math.Max(TrimAbove, (int)BitOperations.RoundUpToPowerOf2((uint)_count * 4)));
        }
    }

    /// <summary>Queues at most this long (64K entries, 1 MB) are never trimmed.</summary>
    internal const int TrimAbove = 1 << 16;

    internal int Capacity => _items.Length;

    private void Grow() => Resize(_items.Length * 2);

    private void Resize(int length)
    {
        var items = new ReadyItem[length];
        for (var i = 0; i < _count; i++)
        {
            items[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = items;
        _head = 0;
    }
}
