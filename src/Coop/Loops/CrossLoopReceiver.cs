// The receiving half of a cross-loop channel (CrossLoopChannel.cs). It takes items from the lanes of
// the channel's senders (CrossLoopLane.cs), one sender's lane after another: up to Burst items from a
// lane, then the next lane's turn, so a busy sender cannot starve the others. Its copy of the lane list
// is refreshed when a sender is cloned and shrinks when a closed sender's lane runs empty.
using System.Diagnostics;
using Coop.Loops;

namespace Coop;

/// <summary>Receives from a cross-loop channel on one event loop (the loop it is first used on).</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CrossLoopReceiver<T> : IDisposable
{
    /// <summary>How many items in a row one sender's lane may give before the next lane's turn.</summary>
    private const int Burst = 64;

    private readonly CrossLoopChannelState<T> _state;
    private readonly List<CrossLoopLane<T>> _lanes = new();
    private LoopBinding _binding;
    private int _lanesVersion = -1; // the channel's version of the lane list that _lanes copies
    private int _turn;              // the lane whose turn it is
    private int _takenInTurn;
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
            return HasEnded();
        }
    }

    /// <summary>Takes an item if one is waiting; never waits.</summary>
    /// <exception cref="ChannelClosedException">This handle is closed.</exception>
    /// <exception cref="InvalidOperationException">Called off this handle's loop.</exception>
    public bool TryReceive(out T item)
    {
        Bind();
        return TryTake(out item);
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
        var longPark = false; // the backstop fired: park again after fencing every thread
        while (true)
        {
            var loop = Bind();
            if (TryTake(out var item))
            {
                return item;
            }

            if (!longPark)
            {
                CrossLoopChannelState<T>.SpinBeforeParking(loop, this, static receiver => receiver.MayHaveNews());
                if (TryTake(out item))
                {
                    return item;
                }
            }

            if (HasEnded())
            {
                throw new EndOfChannelException("Every sender of this cross-loop channel is closed and every item was received.");
            }

            // Park, then look again: a sender that published before it could see the parked future
            // is found here, or when the backstop fires (CrossLoopChannelState.cs, the handshake).
            var parked = new Future(loop) { CancelWithWaiter = true };
            _state.ParkReceiver(parked, fenceEveryThread: longPark);
            if (MayHaveNews())
            {
                _state.UnparkReceiver(parked);
                longPark = false;
                continue;
            }

            // A wait canceled here leaves its future parked on purpose: the next send finds it and
            // posts to this loop, a wasted wake while the loop runs, and the one way a sender learns
            // that this loop closed under its receiver (the send then fails).
            var backstop = longPark ? null : loop.CallLater(CrossLoopChannelState<T>.BackstopSeconds, static f => ((Future)f!).TrySetResult(), parked);
            try
            {
                await parked;
            }
            finally
            {
                backstop?.Cancel();
            }

            longPark = backstop != null && _state.IsParked(parked);
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
    /// dispose of them (sockets in flight between loops). Each item sent is either received, returned
    /// here, or its send failed with <see cref="ChannelClosedException"/>.</summary>
    internal List<T> CloseAndTakeLeft()
    {
        if (_closed)
        {
            return new();
        }

        _closed = true;
        _lanes.Clear();
        return _state.CloseReceiver();
    }

    /// <summary>True if an item may be waiting, a sender was added, or every sender closed.</summary>
    private bool MayHaveNews()
    {
        if (_state.LanesVersion != _lanesVersion || _state.AllSendersClosed)
        {
            return true;
        }

        foreach (var lane in _lanes)
        {
            if (lane.MayHaveItems)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True once every sender is closed and nothing is left in any lane.</summary>
    private bool HasEnded()
    {
        if (!_state.AllSendersClosed)
        {
            return false;
        }

        RefreshLanes(); // every lane a sender published into; each sent before it closed
        foreach (var lane in _lanes)
        {
            if (!lane.IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    private bool TryTake(out T item)
    {
        if (_state.LanesVersion != _lanesVersion)
        {
            RefreshLanes();
        }

        for (var looked = 0; looked < _lanes.Count; looked++)
        {
            var lane = _lanes[_turn];
            if (lane.TryTake(out item))
            {
                if (++_takenInTurn == Burst)
                {
                    NextTurn();
                }

                return true;
            }

            if (lane.IsSenderClosed && lane.IsEmpty)
            {
                // Nothing more will come from it; its handle's close came after its last send.
                _lanes.RemoveAt(_turn);
                _state.DropLane(lane);
                looked--;
                if (_turn == _lanes.Count)
                {
                    _turn = 0;
                }

                continue;
            }

            NextTurn();
        }

        item = default!;
        return false;
    }

    private void NextTurn()
    {
        _takenInTurn = 0;
        if (++_turn >= _lanes.Count)
        {
            _turn = 0;
        }
    }

    private void RefreshLanes()
    {
        var version = _state.LanesVersion; // read before the copy: a lane added meanwhile moves it again
        _state.CopyLanes(_lanes);
        _lanesVersion = version;
        _turn = 0;
        _takenInTurn = 0;
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
