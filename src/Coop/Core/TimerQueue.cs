// Pending timers: a binary min-heap of struct entries ordered by (deadline, sequence number).
// The sequence number makes equal deadlines fire in the order they were scheduled (a guarantee
// Coop tests; asyncio leaves it undefined). Cancelled handles stay in the heap until they reach
// the top or until they are more than half of it, when the heap is rebuilt without them
// (asyncio's _timer_cancelled_count). docs/design.md says why a heap and not a timing wheel.
namespace Coop.Core;

internal sealed class TimerQueue
{
    private struct Entry
    {
        public long Due;
        public long Sequence;
        public Handle Handle;
    }

    private Entry[] _heap = new Entry[16];
    private int _count;
    private long _nextSequence;
    private int _cancelled;

    public int Count => _count;

    public void Add(Handle handle)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        _heap[_count] = new Entry { Due = handle.Due, Sequence = _nextSequence++, Handle = handle };
        SiftUp(_count++);
    }

    /// <summary>The deadline of the earliest live timer, or null when none is pending.</summary>
    public long? NextDue()
    {
        DropCancelledAtTop();
        return _count == 0 ? null : _heap[0].Due;
    }

    /// <summary>Moves every live timer due at or before <paramref name="now"/> to the ready queue,
    /// earliest first.</summary>
    public void MoveDue(long now, ReadyQueue ready)
    {
        while (_count > 0 && _heap[0].Due <= now)
        {
            var handle = Pop();
            if (handle.IsCancelled)
            {
                _cancelled--;
            }
            else
            {
                ready.Enqueue(Handle.RunAction, handle);
            }
        }
    }

    public void OnCancelled()
    {
        _cancelled++;
        if (_cancelled > 64 && _cancelled > _count / 2)
        {
            RebuildWithoutCancelled();
        }
    }

    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        _count = 0;
        _cancelled = 0;
    }

    private void DropCancelledAtTop()
    {
        while (_count > 0 && _heap[0].Handle.IsCancelled)
        {
            Pop();
            _cancelled--;
        }
    }

    private Handle Pop()
    {
        var top = _heap[0].Handle;
        _count--;
        _heap[0] = _heap[_count];
        _heap[_count] = default;
        if (_count > 0)
        {
            SiftDown(0);
        }

        return top;
    }

    private void RebuildWithoutCancelled()
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!_heap[i].Handle.IsCancelled)
            {
                _heap[kept++] = _heap[i];
            }
        }

        Array.Clear(_heap, kept, _count - kept);
        _count = kept;
        _cancelled = 0;
        for (var i = (_count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    private static bool Earlier(in Entry a, in Entry b) =>
        a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    private void SiftUp(int i)
    {
        var entry = _heap[i];
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Earlier(entry, _heap[parent]))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = entry;
    }

    private void SiftDown(int i)
    {
        var entry = _heap[i];
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && Earlier(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Earlier(_heap[child], entry))
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        _heap[i] = entry;
    }
}
