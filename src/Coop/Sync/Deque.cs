// A growable ring buffer with O(1) push and pop at both ends: the storage of wait queues and of
// FIFO queues. Pushing to the front is how a revoked hand-off gives an item back to the head of a
// queue (WaitQueue.cs). Single-threaded like everything on the loop.
namespace Coop.Core;

internal sealed class Deque<T>
{
    private T[] _items = new T[8];
    private int _head; // index of the first item
    private int _count;

    public int Count => _count;

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
        return item;
    }

    public T this[int index] => _items[(_head + index) % _items.Length];

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        var bigger = new T[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            bigger[i] = _items[(_head + i) % _items.Length];
        }

        _items = bigger;
        _head = 0;
    }
}
