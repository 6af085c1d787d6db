// A growable ring buffer with O(1) push and pop at both ends: the storage of wait queues and of
// FIFO queues. Pushing to the front is how a revoked hand-off gives an item back to the head of a
// queue (WaitQueue.cs). It gives memory back after a burst (a queue that once held a million items
// keeps no 8 MB for good), as the loop's ready queue does. Single-threaded like everything on the loop.
namespace Coop.Core;

internal sealed class Deque<T>
{
    private T[] _items = new T[8];
    private int _head; // index of the first item
    private int _count;

    /// <summary>Deques at most this long are never shrunk.</summary>
    internal const int TrimAbove = 64;

    public int Count => _count;

    public int Capacity => _items.Length;

    public void PushBack(T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }

    public void PushFront(T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = item;
        _count++;
    }

    public T PeekFront() =>
        _count > 0 ? _items[_head] : throw new InvalidOperationException("The deque is empty.");

    public T PopFront()
    {
        var item = PeekFront();
        _items[_head] = default!;
        _head = (_head + 1) % _items.Length;
        _count--;
        TrimExcess();
        return item;
    }

    public T PopBack()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("The deque is empty.");
        }

        var index = (_head + _count - 1) % _items.Length;
        var item = _items[index];
        _items[index] = default!;
        _count--;
        TrimExcess();
        return item;
    }

    /// <summary>Removes the items <paramref name="drop"/> picks, keeping the others in order: O(n).</summary>
    public void RemoveWhere(Func<T, bool> drop)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var item = _items[(_head + i) % _items.Length];
            if (!drop(item))
            {
                _items[(_head + kept++) % _items.Length] = item;
            }
        }

        for (var i = kept; i < _count; i++)
        {
            _items[(_head + i) % _items.Length] = default!;
        }

        _count = kept;
        TrimExcess();
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> items.</summary>
    public void Reserve(int capacity)
    {
        if (capacity > _items.Length)
        {
            Resize(Math.Max(capacity, _items.Length * 2));
        }
    }

    public T this[int index] => _items[(_head + index) % _items.Length];

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void Grow() => Resize(_items.Length * 2);

    // Shrinks only when under an eighth full, to a quarter: it is then at most half full, so a deque
    // swinging around one size does not resize back and forth.
    private void TrimExcess()
    {
        if (_items.Length > TrimAbove && _count < _items.Length / 8)
        {
            var length = _items.Length;
            while (length > TrimAbove && _count < length / 8)
            {
                length = Math.Max(TrimAbove, length / 4);
            }

            Resize(length);
        }
    }

    private void Resize(int length)
    {
        var items = new T[length];
        for (var i = 0; i < _count; i++)
        {
            items[i] = _items[(_head + i) % _items.Length];
        }

        _items = items;
        _head = 0;
    }
}
