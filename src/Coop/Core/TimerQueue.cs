// Pending timers: a binary min-heap of struct entries ordered by (deadline, sequence number).
// The sequence number makes equal deadlines fire in the order they were scheduled (a guarantee
// Coop tests; asyncio leaves it undefined). Canceled timers stay in the heap until they reach
// the top or until they are more than half of it, when the heap is rebuilt without them
// (asyncio's _timer_cancelled_count). docs/design.md says why a heap and not a timing wheel.
//
// An entry's timer is a Handle (CallLater, CallAt, a cancel scope's deadline) or, for a sleep, the
// TimerFuture itself, so that a sleep allocates one object and not a future plus a handle. The two
// are told apart by a type test (both are sealed: one compare) rather than an interface, which
// public Handle would have to carry. Each is flagged InTimerQueue while the heap holds it, so only a
// cancellation that leaves a dead entry behind is counted (asyncio's TimerHandle._scheduled).
// The heap gives its memory back when it empties out (a million timers scheduled and canceled, or
// fired, would otherwise keep 24 MB for good), as the ready queue does.
namespace Coop.Core;

internal sealed class TimerQueue
{
    private struct Entry
    {
        public long Due;
        public long Sequence;
        public object Timer; // a Handle or a TimerFuture
    }

    /// <summary>Heaps at most this long (4,096 entries, 96 KB) are never shrunk.</summary>
    internal const int TrimAbove = 1 << 12;

    private Entry[] _heap = new Entry[16];
    private int _count;
    private long _nextSequence;
    private int _canceled;

    public int Count => _count;

    internal int Capacity => _heap.Length;

    public void Add(Handle handle)
    {
        handle.InTimerQueue = true;
        Push(handle.Due, handle);
    }

    /// <summary>Adds a sleep: the loop completes <paramref name="sleep"/> at <paramref name="due"/>.</summary>
    public void Add(TimerFuture sleep, long due)
    {
        sleep.InTimerQueue = true;
        Push(due, sleep);
    }

    /// <summary>The deadline of the earliest live timer, or null when none is pending.</summary>
    public long? NextDue()
    {
        DropCanceledAtTop();
        return _count == 0 ? null : _heap[0].Due;
    }

    /// <summary>Moves every live timer due at or before <paramref name="now"/> to the ready queue,
    /// earliest first.</summary>
    public void MoveDue(long now, ReadyQueue ready)
    {
        while (_count > 0 && _heap[0].Due <= now)
        {
            var timer = Pop();
            if (IsCanceled(timer))
            {
                _canceled--;
            }
            else if (timer is Handle handle)
            {
                handle.InTimerQueue = false;
                ready.Enqueue(Handle.RunAction, handle);
            }
            else
            {
                var sleep = (TimerFuture)timer;
                sleep.InTimerQueue = false;
                ready.Enqueue(TimerFuture.CompleteAction, sleep);
            }
        }
    }

    /// <summary>Counts a timer that died while in the heap (see <see cref="IsCanceled"/>); called
    /// once per such timer, through EventLoop.OnTimerCanceled.</summary>
    public void OnCanceled()
    {
        _canceled++;
        if (_canceled > 64 && _canceled > _count / 2)
        {
            RebuildWithoutCanceled();
        }
    }

    public void Clear()
    {
        Array.Clear(_heap, 0, _count);
        _count = 0;
        _canceled = 0;
        TrimExcess();
    }

    private void DropCanceledAtTop()
    {
        while (_count > 0 && IsCanceled(_heap[0].Timer))
        {
            Pop();
            _canceled--;
        }
    }

    /// <summary>A dead entry: a canceled handle, or a sleep whose future completed some other way
    /// (canceled, mostly with the task that slept).</summary>
    private static bool IsCanceled(object timer) =>
        timer is Handle handle ? handle.IsCanceled : ((TimerFuture)timer).IsDone;

    private void Push(long due, object timer)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        _heap[_count] = new Entry { Due = due, Sequence = _nextSequence++, Timer = timer };
        SiftUp(_count++);
    }

    private object Pop()
    {
        var top = _heap[0].Timer;
        _count--;
        _heap[0] = _heap[_count];
        _heap[_count] = default;
        if (_count > 0)
        {
            SiftDown(0);
        }

        TrimExcess();
        return top;
    }

    // Shrinks only when under an eighth full, to a quarter (at most half full then), so a heap that
    // swings around one size does not resize back and forth: O(1) amortized per pop.
    private void TrimExcess()
    {
        if (_heap.Length > TrimAbove && _count < _heap.Length / 8)
        {
            Array.Resize(ref _heap, Math.Max(TrimAbove, _heap.Length / 4));
        }
    }

    private void RebuildWithoutCanceled()
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!IsCanceled(_heap[i].Timer))
            {
                _heap[kept++] = _heap[i];
            }
        }

        Array.Clear(_heap, kept, _count - kept);
        _count = kept;
        _canceled = 0;
        for (var i = (_count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }

        while (_heap.Length > TrimAbove && _count < _heap.Length / 8)
        {
            TrimExcess(); // a mass cancellation can leave it nearly empty: down in one go
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
