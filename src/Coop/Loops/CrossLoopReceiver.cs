// The receiving half of a cross-loop channel (CrossLoopChannel.cs). It works through a batch of its
// own, swapped with the channel's shared buffer when used up (CrossLoopChannelState.cs), so taking an
// item from it is a list read, without a lock.
using System.Diagnostics;
using Coop.Loops;

namespace Coop;

/// <summary>Receives from a cross-loop channel on one event loop (the loop it is first used on).</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CrossLoopReceiver<T> : IDisposable
{
    /// <summary>How many times an idle receiver spins before it parks (ManualResetEventSlim's count).</summary>
    private const int SpinRounds = 35;

    private readonly CrossLoopChannelState<T> _state;
    private LoopBinding _binding;
    private List<T> _batch = new();
    private int _next;       // the next item of _batch to hand out
    private bool _closed;

    internal CrossLoopReceiver(CrossLoopChannelState<T> state) => _state = state;

    /// <summary>True once this handle was closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>True once every sender is closed and every item was received.</summary>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public bool IsCompleted
    {
        get
        {
            _binding.Check(nameof(CrossLoopReceiver<T>));
            return _next == _batch.Count && _state.HasEnded;
        }
    }

    /// <summary>Takes an item if one is waiting; never waits.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public bool TryReceive(out T item)
    {
        Bind();
        return TryTake(loop: null, out item, out _);
    }

    /// <summary>Receives the next item, waiting while the channel is empty. Cancel-safe: a receive
    /// that raises <see cref="CanceledException"/> took nothing. For a busy channel,
    /// <c>while (rx.TryReceive(out var x)) ...</c> before awaiting skips making a coroutine.</summary>
    /// <exception cref="EndOfChannelException">Every sender is closed and every item was received.</exception>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public Coroutine<T> ReceiveAsync()
    {
        Bind();
        return Receive();
    }

    private async Coroutine<T> Receive()
    {
        while (true)
        {
            var loop = Bind();
            if (TryTake(loop: null, out var item, out _))
            {
                return item;
            }

            SpinWhileIdle(loop);
            if (TryTake(loop, out item, out var parked))
            {
                return item;
            }

            if (parked == null)
            {
                throw new EndOfChannelException("Every sender of this cross-loop channel is closed and every item was received.");
            }

            await parked;
        }
    }

    /// <summary>Closes this handle (again is a no-op): later sends fail with
    /// <see cref="ChannelClosedException"/>, and the items not received are dropped.</summary>
    public void Close() => CloseAndTakeLeft();

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <inheritdoc />
    public override string ToString() => $"<CrossLoopReceiver {(_closed ? "closed" : "open")}>";

    /// <summary>Closes the handle and returns the items nobody received, for a caller that must
    /// dispose of them (sockets in flight between loops).</summary>
    internal List<T> CloseAndTakeLeft()
    {
        if (_closed)
        {
            return new();
        }

        _closed = true;
        var left = _batch.GetRange(_next, _batch.Count - _next);
        _batch.Clear();
        _next = 0;
        left.AddRange(_state.CloseReceiver());
        return left;
    }

    /// <summary>On an empty channel, before parking: spins a moment (as ManualResetEventSlim does
    /// before it blocks) while an item may still come soon and the loop has nothing else to run, which
    /// spares the sender a post and this loop a sleep and a wake. Returns at the first sign of news.</summary>
    private void SpinWhileIdle(EventLoop loop)
    {
        if (Environment.ProcessorCount == 1)
        {
            return; // the sender cannot run while this thread spins
        }

        var spinner = default(SpinWait);
        for (var i = 0; i < SpinRounds && !_state.MayHaveNews && !loop.HasWorkDue; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private bool TryTake(EventLoop? loop, out T item, out Future? parked)
    {
        parked = null;
        if (_next == _batch.Count)
        {
            var consumed = _batch.Count;
            _batch.Clear();
            _next = 0;
            if (!_state.TryTakeBatch(ref _batch, consumed, loop, out parked))
            {
                item = default!;
                return false;
            }
        }

        item = _batch[_next];
        _batch[_next++] = default!; // the channel no longer holds what it handed out
        return true;
    }

    private EventLoop Bind()
    {
        if (_closed)
        {
            throw new ChannelClosedException("This CrossLoopReceiver is closed.");
        }

        return _binding.Check(nameof(CrossLoopReceiver<T>));
    }
}
