// The sending half of a memory channel (CoopChannel.cs): Send waits while the buffer is full, so a
// fast producer is slowed to its consumers' pace. Each handle closes once; the channel ends for
// receivers when the last one closes. Cancel-safety is CoopQueue.Put's.
using System.Diagnostics;
using System.Threading.Channels;
using Coop.Core;

namespace Coop;

/// <summary>Sends into a memory channel. <c>await tx.SendAsync(x)</c>; close it (or <c>using</c> it) when
/// done so that receivers see the end of the channel.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class ChannelSender<T> : IDisposable
{
    private readonly ChannelState<T> _state;
    private readonly WeakReference _handle; // how the channel counts this sender (ChannelState.cs)
    private bool _closed;

    internal ChannelSender(ChannelState<T> state)
    {
        _state = state;
        _handle = state.SenderOpened(this);
    }

    /// <summary>True once this handle was closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Sends <paramref name="item"/>, waiting while the buffer is full. Cancel-safe: a send
    /// that raises <see cref="CanceledException"/> sent nothing.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed, or every receiver is.</exception>
    public Future SendAsync(T item)
    {
        ThrowIfClosed();
        return _state.Queue.PutAsync(item);
    }

    /// <summary>Sends <paramref name="item"/> if the buffer has room; never waits.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed, or every receiver is.</exception>
    public bool TrySend(T item)
    {
        ThrowIfClosed();
        return _state.Queue.TryPut(item);
    }

    /// <summary>Another sender on the same channel; the channel ends when every sender is closed.</summary>
    public ChannelSender<T> Clone()
    {
        ThrowIfClosed();
        return new ChannelSender<T>(_state);
    }

    /// <summary>Closes this handle (again is a no-op). When it was the last sender, receivers get
    /// the items still buffered, then the end of the channel.</summary>
    public void Close()
    {
        if (!_closed)
        {
            _closed = true;
            _state.SenderClosed(_handle);
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary>Sends every item of <paramref name="source"/> (an <see cref="IAsyncEnumerable{T}"/>,
    /// e.g. a <see cref="ChannelReader{T}"/>'s <c>ReadAllAsync()</c>), waiting for room as needed.
    /// Does not close this sender.</summary>
    public async Coroutine SendAllAsync(IAsyncEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        await foreach (var item in source)
        {
            await SendAsync(item);
        }
    }

    /// <summary>Sends every item a <see cref="ChannelReader{T}"/> yields until it completes.</summary>
    public Coroutine SendAllAsync(ChannelReader<T> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return SendAllAsync(reader.ReadAllAsync());
    }

    /// <inheritdoc />
    public override string ToString() => $"<ChannelSender {(_closed ? "closed" : "open")} {_state.Queue}>";

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ChannelClosedException("This channel sender is closed: clone a sender before closing it if you need another.");
        }
    }
}
