// The sending half of a cross-loop channel (CrossLoopChannel.cs). Each handle owns one lane of the
// channel (CrossLoopLane.cs): its items keep their order, and its capacity is its own.
using System.Diagnostics;
using Coop.Loops;

namespace Coop;

/// <summary>Sends into a cross-loop channel from one event loop (the loop it is first used on).
/// Close it (or <c>using</c> it) when done: the receiver sees the end of the channel once every
/// sender is closed.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CrossLoopSender<T> : IDisposable
{
    private readonly CrossLoopChannelState<T> _state;
    private readonly CrossLoopLane<T> _lane;
    private LoopBinding _binding;
    private int _closed; // Close may come from a finalizing or another thread: once only

    internal CrossLoopSender(CrossLoopChannelState<T> state)
    {
        _state = state;
        _lane = state.OpenLane();
    }

    /// <summary>True once this handle was closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Sends <paramref name="item"/> if this sender's lane has room; never waits.</summary>
    /// <returns>False if this sender has <c>capacity</c> items in the channel not yet given back.</returns>
    /// <exception cref="ChannelClosedException">This handle is closed, or the receiver (or its loop) is.</exception>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public bool TrySend(T item)
    {
        Bind();
        return _state.TrySend(_lane, item);
    }

    /// <summary>Sends <paramref name="item"/>, waiting while this sender's lane is full. Cancel-safe: a send
    /// that raises <see cref="CanceledException"/> sent nothing. Where the channel is seldom full,
    /// <c>if (!tx.TrySend(x)) await tx.SendAsync(x);</c> skips making a coroutine.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed, or the receiver (or its loop) is.</exception>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public Coroutine SendAsync(T item)
    {
        Bind();
        return Send(item);
    }

    private async Coroutine Send(T item)
    {
        while (true)
        {
            var loop = Bind();
            if (_state.TrySend(_lane, item))
            {
                return;
            }

            CrossLoopChannelState<T>.SpinBeforeParking(loop, this, static sender => sender._lane.HasRoomNow() || sender._state.IsReceiverClosed);
            if (_state.TrySend(_lane, item))
            {
                return;
            }

            var room = new Future(loop) { CancelWithWaiter = true };
            if (!_lane.ParkSender(room, _state))
            {
                continue;
            }

            try
            {
                await room;
            }
            finally
            {
                _lane.Unpark(room);
            }
        }
    }

    /// <summary>Another sender on the same channel, for another loop (it binds to the loop that
    /// first uses it), with a lane and a capacity of its own. The channel ends when every sender is
    /// closed. Callable from any thread.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    public CrossLoopSender<T> Clone()
    {
        if (IsClosed)
        {
            throw new ChannelClosedException("This CrossLoopSender is closed: clone an open one.");
        }

        return new CrossLoopSender<T>(_state);
    }

    /// <summary>Closes this handle (again is a no-op). When it was the last sender, the receiver gets
    /// the items still in the channel, then the end of it. Callable from any thread.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _state.SenderClosed(_lane);
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <inheritdoc />
    public override string ToString() => $"<CrossLoopSender {(IsClosed ? "closed" : "open")}>";

    private EventLoop Bind()
    {
        if (IsClosed)
        {
            throw new ChannelClosedException("This CrossLoopSender is closed.");
        }

        return _binding.Check(nameof(CrossLoopSender<T>));
    }
}
