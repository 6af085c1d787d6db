// Where a CoopQueue keeps its items, in one of three orders (asyncio's Queue, LifoQueue and
// PriorityQueue differ only here). GiveBack returns an item that was taken but whose getter was
// canceled before it resumed (WaitQueue.cs's revocation): it must be the next one taken again.
namespace Coop.Core;

internal interface IItemStore<T>
{
    int Count { get; }

    void Add(T item);

    T Take();

    void GiveBack(T item);

    void Clear();
}

/// <summary>First in, first out.</summary>
internal sealed class FifoStore<T> : IItemStore<T>
{
    private readonly Deque<T> _items = new();

    public int Count => _items.Count;

    public void Add(T item) => _items.PushBack(item);

    public T Take() => _items.PopFront();

    public void GiveBack(T item) => _items.PushFront(item);

    public void Clear() => _items.Clear();
}

/// <summary>Last in, first out.</summary>
internal sealed class LifoStore<T> : IItemStore<T>
{
    private readonly Deque<T> _items = new();

    public int Count => _items.Count;

    public void Add(T item) => _items.PushBack(item);

    public T Take() => _items.PopBack();

    public void GiveBack(T item) => _items.PushBack(item);

    public void Clear() => _items.Clear();
}

/// <summary>Smallest first by a comparer; equal items leave in the order they came (a sequence
/// number breaks ties, so the order is deterministic, unlike a bare heap's).</summary>
internal sealed class PriorityStore<T> : IItemStore<T>
{
    private readonly PriorityQueue<T, (T Item, long Sequence)> _heap;
    private long _next;
    private long _first = -1; // sequence numbers for given-back items count down: first among equals

    public PriorityStore(IComparer<T> comparer)
    {
        _heap = new PriorityQueue<T, (T, long)>(Comparer<(T Item, long Sequence)>.Create((a, b) =>
        {
            var c = comparer.Compare(a.Item, b.Item);
            return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
        }));
    }

    public int Count => _heap.Count;

    public void Add(T item) => _heap.Enqueue(item, (item, _next++));

    public T Take()
    {
        var item = _heap.Dequeue();

        // Gives memory back after a burst, as Deque does (EnsureCapacity(0) reads the capacity).
        var capacity = _heap.EnsureCapacity(0);
        if (capacity > Deque<T>.TrimAbove && _heap.Count < capacity / 8)
        {
            _heap.TrimExcess();
        }

        return item;
    }

    public void GiveBack(T item) => _heap.Enqueue(item, (item, _first--));

    /// <summary>How many items the heap has room for (tests check a burst's memory is given back).</summary>
    internal int Capacity => _heap.EnsureCapacity(0);

    public void Clear() => _heap.Clear();
}
