// The items given back to a FIFO or LIFO store (ItemStore.cs) by getters canceled after their
// hand-off. The store serves them before its own items, in the order they were handed out.
namespace Coop.Core;

/// <summary>The items given back to a FIFO or LIFO store, which serves them before its own, in the
/// order they were handed out. Few and short-lived (each is a canceled getter's), so a list kept
/// sorted by hand-off number, made on the first give-back.</summary>
internal struct GivenBackItems<T>
{
    private List<(long HandOff, T Item)>? _items;

    public readonly int Count => _items?.Count ?? 0;

    public void Add(T item, long handOff)
    {
        _items ??= new();
        var at = _items.Count;
        while (at > 0 && _items[at - 1].HandOff > handOff)
        {
            at--; // handed out after this one, given back before it
        }

        _items.Insert(at, (handOff, item));
    }

    public readonly T TakeFirst()
    {
        var item = _items![0].Item;
        _items.RemoveAt(0);
        return item;
    }

    public readonly void Clear() => _items?.Clear();
}
