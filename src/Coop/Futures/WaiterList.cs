// The waiters of a future that has more than one, in arrival order. Kept in chunks of at most 4,096
// entries (32 KB, below the large-object heap) so that a future a million tasks wait on (W4) grows
// without copying a million references and leaves no large array behind, which the garbage collector
// would not compact away. A short list is one small chunk that doubles, as a List would.
// Talks to: Future (adds, sweeps out stale entries, wakes in order).
namespace Coop;

internal sealed class WaiterList
{
    private const int ChunkLength = 4096;
    private readonly List<object?[]> _chunks = [new object?[4]];

    public int Count { get; private set; }

    /// <summary>A list with stale entries is swept when it grows this long (Future.AddWaiter).</summary>
    public int SweepAt { get; set; } = 4;

    public object? this[int index]
    {
        get => _chunks[index / ChunkLength][index % ChunkLength];
        set => _chunks[index / ChunkLength][index % ChunkLength] = value;
    }

    public void Add(object waiter)
    {
        var last = _chunks[^1];
        var at = Count - ((_chunks.Count - 1) * ChunkLength);
        if (at == last.Length && last.Length < ChunkLength)
        {
            Array.Resize(ref last, last.Length * 2);
            _chunks[^1] = last;
        }
        else if (at == last.Length)
        {
            _chunks.Add(last = new object?[ChunkLength]);
            at = 0;
        }

        last[at] = waiter;
        Count++;
    }

    /// <summary>Drops the entries set to null, keeping the others in order, and the chunks emptied.</summary>
    public void Compact()
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (this[i] is { } waiter)
            {
                this[kept++] = waiter;
            }
        }

        for (var i = kept; i < Count; i++)
        {
            this[i] = null;
        }

        Count = kept;
        while (_chunks.Count > 1 && (_chunks.Count - 1) * ChunkLength >= Math.Max(Count, 1))
        {
            _chunks.RemoveAt(_chunks.Count - 1);
        }
    }

    public int RemoveAll(Predicate<object> match)
    {
        var before = Count;
        for (var i = 0; i < Count; i++)
        {
            if (match(this[i]!))
            {
                this[i] = null;
            }
        }

        Compact();
        return before - Count;
    }

    public bool Exists(Predicate<object> match)
    {
        for (var i = 0; i < Count; i++)
        {
            if (match(this[i]!))
            {
                return true;
            }
        }

        return false;
    }
}
