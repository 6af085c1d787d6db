// A bounded FIFO of bytes: the buffer of one direction of an in-memory stream pair (BytePipe.cs).
// Its storage grows on demand up to the capacity, so a pair made with a large capacity costs memory
// only once a reader falls behind.
namespace Coop.Core;

internal sealed class ByteRing
{
    private const int MinStorage = 4096;
    private readonly int _capacity;
    private byte[] _bytes = [];
    private int _head;  // index of the oldest byte
    private int _count; // bytes held; _count <= _bytes.Length <= _capacity

    public ByteRing(int capacity) => _capacity = capacity;

    public int Count => _count;

    public int Free => _capacity - _count;

    /// <summary>Appends as much of <paramref name="source"/> as fits; returns how many bytes.</summary>
    public int Write(ReadOnlySpan<byte> source)
    {
        var n = Math.Min(source.Length, Free);
        if (n == 0)
        {
            return 0;
        }

        EnsureStorage(_count + n);
        var tail = (_head + _count) % _bytes.Length;
        var first = Math.Min(n, _bytes.Length - tail);
        source[..first].CopyTo(_bytes.AsSpan(tail));
        source[first..n].CopyTo(_bytes);
        _count += n;
        return n;
    }

    /// <summary>Moves up to <paramref name="destination"/>'s length of the oldest bytes into it;
    /// returns how many.</summary>
    public int Read(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _count);
        if (n == 0)
        {
            return 0;
        }

        var first = Math.Min(n, _bytes.Length - _head);
        _bytes.AsSpan(_head, first).CopyTo(destination);
        _bytes.AsSpan(0, n - first).CopyTo(destination[first..]);
        _head = (_head + n) % _bytes.Length;
        _count -= n;
        if (_count == 0)
        {
            _head = 0;
        }

        return n;
    }

    /// <summary>Drops every byte and the storage.</summary>
    public void Clear()
    {
        _bytes = [];
        _head = 0;
        _count = 0;
    }

    private void EnsureStorage(int needed)
    {
        if (needed <= _bytes.Length)
        {
            return;
        }

        var size = Math.Min(Math.Max(_bytes.Length, MinStorage), _capacity);
        while (size < needed)
        {
            size = (int)Math.Min(size * 2L, _capacity);
        }

        var grown = new byte[size];
        var first = Math.Min(_count, _bytes.Length - _head);
        _bytes.AsSpan(_head, first).CopyTo(grown);
        _bytes.AsSpan(0, _count - first).CopyTo(grown.AsSpan(first));
        _head = 0;
        _bytes = grown;
    }
}
