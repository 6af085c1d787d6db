// The sending half of a cross-loop channel (CrossLoopChannel.cs).
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
    private LoopBinding _binding;
    private int _closed; // Close may come from a finalizing or another thread: once only

    internal CrossLoopSender(CrossLoopChannelState<T> state) => _state = state;

    /// <summary>True once this handle was closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Sends <paramref name="item"/> if the channel has room; never waits.</summary>
    /// <returns>False if the channel is full.</returns>
    /// <exception cref="ChannelClosedException">This handle is closed, or the receiver (or its loop) is.</exception>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public bool TrySend(T item)
    {
        var loop = Bind();
        return _state.TrySend(item, loop, wait: false, out _);
    }

    /// <summary>Sends <paramref name="item"/>, waiting while the channel is full. Cancel-safe: a send
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
            if (_state.TrySend(item, loop, wait: true, out var room))
            {
                return;
            }

            await room!;
        }
    }

    /// <summary>Another sender on the same channel, for another loop (it binds to the loop that
    /// first uses it). The channel ends when every sender is closed. Callable from any thread.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    public CrossLoopSender<T> Clone()
    {
        if (IsClosed)
        {
            throw new ChannelClosedException("This CrossLoopSender is closed: clone an open one.");
        }

        _state.SenderOpened();
        return new CrossLoopSender<T>(_state);
    }

    /// <summary>Closes this handle (again is a no-op). When it was the last sender, the receiver gets
    /// the items still in the channel, then the end of it. Callable from any thread.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _state.SenderClosed();
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
