// The timer queue's alternative #1: the same heap as Core/TimerQueue.cs, but 4-ary (children of i are
// 4i+1..4i+4): half the depth, and a node's children sit side by side in memory. Same API, order
// (deadline, then sequence) and canceled-entry checks, so TimerComparison can run it against the
// binary heap and the wheel.
using Coop.Core;

namespace Coop.Bench.Timers;

internal sealed class QuaternaryTimerHeap
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

    public long? NextDue()
    {
        while (_count > 0 && _heap[0].Handle.IsCanceled)
        {
            Pop();
        }

        return _count == 0 ? null : _heap[0].Due;
    }

    public void MoveDue(long now, ReadyQueue ready)
    {
        while (_count > 0 && _heap[0].Due <= now)
        {
            var top = Pop();
            if (!top.IsCanceled)
            {
                ready.Enqueue(Handle.RunAction, top);
            }
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

    private static bool Earlier(in Entry a, in Entry b) =>
        a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    private void SiftUp(int i)
    {
        var entry = _heap[i];
        while (i > 0)
        {
            var parent = (i - 1) >> 2;
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
            var first = (4 * i) + 1;
            if (first >= _count)
            {
                break;
            }

            var best = first;
            var last = Math.Min(first + 4, _count);
            for (var c = first + 1; c < last; c++)
            {
                if (Earlier(_heap[c], _heap[best]))
                {
                    best = c;
                }
            }

            if (!Earlier(_heap[best], entry))
            {
                break;
            }

            _heap[i] = _heap[best];
            i = best;
        }

        _heap[i] = entry;
    }
}
