// The timer queue's alternative #2: a hierarchical timing wheel (Varghese & Lauck; Netty, Kafka,
// the Linux kernel's timer wheel). Four levels of 256 slots: 1 ms, 256 ms, 65 s and 4.7 h per slot.
// Add is O(1): drop the entry in the slot of its level. Time passing cascades a higher slot into the
// lower levels when the lower level wraps. To keep Coop's guarantee (due timers fire in (deadline,
// sequence) order, with sub-millisecond deadlines), each MoveDue collects the due entries and sorts
// them; entries of the current millisecond not yet due stay in their slot.
using Coop.Core;

namespace Coop.Bench.Timers;

internal sealed class TimingWheel
{
    private const int Bits = 8;
    private const int Slots = 1 << Bits;
    private const int Levels = 4;

    private readonly struct Entry(long due, long sequence, Handle handle)
    {
        public long Due { get; } = due;
        public long Sequence { get; } = sequence;
        public Handle Handle { get; } = handle;
    }

    private readonly long _unit; // timestamp ticks per wheel tick (1 ms)
    private readonly List<Entry>?[] _slots = new List<Entry>?[Levels * Slots];
    private readonly List<Entry> _due = new();
    private long _current; // the last wheel tick fully moved out
    private long _nextSequence;
    private int _count;

    public TimingWheel(long start, long ticksPerSecond)
    {
        _unit = Math.Max(1, ticksPerSecond / 1000);
        _current = (start / _unit) - 1;
    }

    public int Count => _count;

    public void Add(Handle handle)
    {
        Place(new Entry(handle.Due, _nextSequence++, handle));
        _count++;
    }

    /// <summary>The earliest deadline, exact in level 0, the start of the first busy slot above it.</summary>
    public long? NextDue()
    {
        if (_count == 0)
        {
            return null;
        }

        for (var level = 0; level < Levels; level++)
        {
            var shift = level * Bits;
            var from = (int)((_current >> shift) & (Slots - 1));
            for (var k = 1; k <= Slots; k++)
            {
                var index = (from + k) & (Slots - 1);
                if (_slots[(level * Slots) + index] is { Count: > 0 } slot)
                {
                    if (level == 0)
                    {
                        var min = long.MaxValue;
                        foreach (var e in slot)
                        {
                            min = Math.Min(min, e.Due);
                        }

                        return min;
                    }

                    var tick = (((_current >> shift) + k) << shift) & ~((1L << shift) - 1);
                    return tick * _unit;
                }
            }
        }

        return _current * _unit;
    }

    public void MoveDue(long now, ReadyQueue ready)
    {
        var target = now / _unit;
        while (_current < target - 1)
        {
            _current++;
            Cascade();
            Take(Slot(0, _current), long.MaxValue);
        }

        // The current millisecond: only what is due by now; the rest waits in its slot.
        if (_current == target - 1)
        {
            Take(Slot(0, target), now);
        }

        if (_due.Count == 0)
        {
            return;
        }

        _due.Sort(static (a, b) => a.Due != b.Due ? a.Due.CompareTo(b.Due) : a.Sequence.CompareTo(b.Sequence));
        foreach (var e in _due)
        {
            ready.Enqueue(Handle.RunAction, e.Handle);
        }

        _count -= _due.Count;
        _due.Clear();
    }

    private int Slot(int level, long tick) => (level * Slots) + (int)((tick >> (level * Bits)) & (Slots - 1));

    private void Place(in Entry e)
    {
        var tick = e.Due / _unit;
        if (tick <= _current)
        {
            tick = _current + 1; // late: the next tick moves it out
        }

        var level = 0;
        while (level < Levels - 1 && (tick >> ((level + 1) * Bits)) != (_current >> ((level + 1) * Bits)))
        {
            level++;
        }

        var index = Slot(level, tick);
        (_slots[index] ??= new List<Entry>()).Add(e);
    }

    private void Cascade()
    {
        // When level L wraps to 0, the slot of level L+1 for the new time is spread over the levels below.
        for (var level = 1; level < Levels; level++)
        {
            if (((_current >> ((level - 1) * Bits)) & (Slots - 1)) != 0)
            {
                return;
            }

            var index = Slot(level, _current);
            if (_slots[index] is { Count: > 0 } slot)
            {
                _slots[index] = null;
                foreach (var e in slot)
                {
                    Place(e);
                }
            }
        }
    }

    private void Take(int index, long now)
    {
        if (_slots[index] is not { Count: > 0 } slot)
        {
            return;
        }

        if (now == long.MaxValue)
        {
            _due.AddRange(slot);
            slot.Clear();
            return;
        }

        var kept = 0;
        for (var i = 0; i < slot.Count; i++)
        {
            if (slot[i].Due <= now)
            {
                _due.Add(slot[i]);
            }
            else
            {
                slot[kept++] = slot[i];
            }
        }

        slot.RemoveRange(kept, slot.Count - kept);
    }
}
