// A flag tasks can wait for (asyncio.Event). All waiters share one future per "unset" period: Set
// completes it, Clear starts a new one. The shared future is not canceled with a waiter (it is not
// CancelWithWaiter), so canceling one waiter never harms the others, and a wake-up hands over
// nothing that could be lost, so no revocation is needed.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>A flag that tasks wait for until it is set (asyncio's <c>Event</c>):
/// <c>await ev.Wait()</c> or <c>yield return ev.Wait()</c>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoopEvent
{
    private EventLoop? _loop;
    private Future? _future; // pending while unset and someone waited; done while set
    private bool _isSet;

    /// <summary>True once <see cref="Set"/> was called and until <see cref="Clear"/>.</summary>
    public bool IsSet => _isSet;

    /// <summary>Sets the flag and wakes every waiter.</summary>
    public void Set()
    {
        LoopAffinity.Bind(ref _loop, this);
        if (_isSet)
        {
            return;
        }

        _isSet = true;
        _future?.TrySetResultObject(null);
    }

    /// <summary>Clears the flag: later <see cref="WaitAsync"/>s wait again.</summary>
    public void Clear()
    {
        LoopAffinity.Bind(ref _loop, this);
        if (_isSet)
        {
            _isSet = false;
            _future = null;
        }
    }

    /// <summary>Waits until the flag is set; done at once if it is set already. Cancel-safe: a
    /// canceled wait changes nothing.</summary>
    public Future WaitAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_future == null)
        {
            _future = new Future(loop);
            if (_isSet)
            {
                _future.SetResultObject(null);
            }
        }

        return _future;
    }

    /// <inheritdoc />
    public override string ToString() => _isSet ? "<CoopEvent set>" : "<CoopEvent unset>";
}
