// Where a CoopQueue keeps its items, in one of three orders (asyncio's Queue, LifoQueue and
// PriorityQueue differ only here). GiveBack returns an item that was handed to a getter canceled
// before it resumed (WaitQueue.cs's revocation), with the number of its hand-off: it is taken again
// before the items stored after it, and items given back leave in the order they were handed out,
// whatever order their getters' cancellations ran in (a seeded schedule may run them in any order).
namespace Coop.Core;

internal interface IItemStore<T>
{
    int Count { get; }

    void Add(T item);

    T Take();

    void GiveBack(T item, long handOff);

    void Clear();
}

/// <summary>First in, first out.</summary>
internal sealed class FifoStore<T> : IItemStore<T>
{
    private readonly Deque<T> _items = new();
    private GivenBackItems<T> _givenBack;

    public int Count => _items.Count + _givenBack.Count;

    public void Add(T item) => _items.PushBack(item);

    public T Take() => _givenBack.Count > 0 ? _givenBack.TakeFirst() : _items.PopFront();

    public void GiveBack(T item, long handOff) => _givenBack.Add(item, handOff);

    public void Clear()
    {
        _items.Clear();
        _givenBack.Clear();
    }
}

/// <summary>Last in, first out.</summary>
internal sealed class LifoStore<T> : IItemStore<T>
{
    private readonly Deque<T> _items = new();
    private GivenBackItems<T> _givenBack;

    public int Count => _items.Count + _givenBack.Count;

    public void Add(T item) => _items.PushBack(item);

    public T Take() => _givenBack.Count > 0 ? _givenBack.TakeFirst() : _items.PopBack();

    public void GiveBack(T item, long handOff) => _givenBack.Add(item, handOff);

    public void Clear()
    {
        _items.Clear();
        _givenBack.Clear();
    }
}

/// <summary>Smallest first by a comparer; equal items leave in the order they came (a sequence
/// number breaks ties, so the order is deterministic, unlike a bare heap's).</summary>
internal sealed class PriorityStore<T> : IItemStore<T>
{
    private readonly PriorityQueue<T, (T Item, long Sequence)> _heap;
    private long _next;

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

    /// <summary>First among its equals: below every stored item's sequence number, and in hand-off
    /// order among the items given back.</summary>
    public void GiveBack(T item, long handOff) => _heap.Enqueue(item, (item, long.MinValue + handOff));

    /// <summary>How many items the heap has room for (tests check a burst's memory is given back).</summary>
    internal int Capacity => _heap.EnsureCapacity(0);

    public void Clear() => _heap.Clear();
}
