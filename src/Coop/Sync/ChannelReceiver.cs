// The receiving half of a memory channel (CoopChannel.cs). `await foreach (var x in rx)` receives
// until every sender is closed and the buffer is drained (ChannelEnumerator.cs). Receive is
// cancel-safe as CoopQueue.Get is: a receive canceled after an item was handed to it gives the
// item back to the next receiver.
using System.Diagnostics;
using System.Threading.Channels;
using Coop.Core;

namespace Coop;

/// <summary>Receives from a memory channel: <c>var x = await rx.ReceiveAsync()</c>, or
/// <c>await foreach (var x in rx)</c> until the channel ends.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class ChannelReceiver<T> : IDisposable
{
    private readonly ChannelState<T> _state;
    private bool _closed;

    internal ChannelReceiver(ChannelState<T> state) => _state = state;

    /// <summary>True once this handle was closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Receives the next item, waiting for one. Cancel-safe: a receive that raises
    /// <see cref="CanceledException"/> took nothing.</summary>
    /// <exception cref="EndOfChannelException">Every sender is closed and the channel is empty.</exception>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    public Future<T> ReceiveAsync()
    {
        ThrowIfClosed();
        return _state.Queue.GetAsync();
    }

    /// <summary>Receives an item if one is buffered; never waits. False when empty or ended.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    public bool TryReceive(out T item) => TryReceiveOrEnd(out item, out _);

    /// <summary>True when every sender is closed and no item is left.</summary>
    public bool IsCompleted => _state.OpenSenders == 0 && _state.Queue.IsEmpty;

    /// <summary>Another receiver on the same channel (receivers share the items: each item goes to
    /// one of them).</summary>
    public ChannelReceiver<T> Clone()
    {
        ThrowIfClosed();
        _state.ReceiverOpened();
        return new ChannelReceiver<T>(_state);
    }

    /// <summary>Closes this handle (again is a no-op). When it was the last receiver, the items still
    /// buffered are dropped and senders get <see cref="ChannelClosedException"/>.</summary>
    public void Close()
    {
        if (!_closed)
        {
            _closed = true;
            _state.ReceiverClosed();
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <summary>For <c>await foreach</c> in async coroutines: receives until the channel ends.</summary>
    public ChannelEnumerator<T> GetAsyncEnumerator() => new(this);

    /// <summary>Writes every item received to <paramref name="writer"/> (a
    /// <see cref="System.Threading.Channels"/> channel, e.g. to hand work to the thread pool), then
    /// completes the writer when this channel ends.</summary>
    /// <remarks>Each item is taken only once <paramref name="writer"/> has room for it, and the wait for
    /// room can be canceled, so a canceled copy loses nothing: the items it did not write stay in this
    /// channel. Only when another producer fills the room between the wait and the write (the writer
    /// is shared across threads) does the copy wait for that one write without interruption, holding
    /// the item. If the writer is completed by someone else, the copy stops and leaves the rest here.
    /// </remarks>
    public async Coroutine CopyToAsync(ChannelWriter<T> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        while (await Coroutine.FromTask(token => writer.WaitToWriteAsync(token).AsTask()))
        {
            T item;
            try
            {
                item = await ReceiveAsync();
            }
            catch (EndOfChannelException)
            {
                writer.TryComplete();
                return;
            }

            if (!writer.TryWrite(item))
            {
                await writer.WriteAsync(item); // the item is in hand: this write must finish, or it is lost
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"<ChannelReceiver {(_closed ? "closed" : "open")} {_state.Queue}>";

    internal bool TryReceiveOrEnd(out T item, out bool ended)
    {
        ThrowIfClosed();
        ended = false;
        try
        {
            return _state.Queue.TryGet(out item);
        }
        catch (EndOfChannelException)
        {
            ended = true;
            item = default!;
            return false;
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ChannelClosedException("This channel receiver is closed: clone a receiver before closing it if you need another.");
        }
    }
}
