// A flag tasks can wait for (asyncio.Event). Each WaitAsync gets a future of its own, as each
// `event.wait()` in asyncio is a coroutine of its own, and Set completes them all. A future shared
// by every waiter would be canceled by the first combinator that gives up on it (a WaitFor timing
// out, a canceled Gather) and so break the event for every other waiter. A waiter that leaves
// (canceled, timed out) is swept out of the WaitQueue lazily. A wake-up hands over nothing that
// could be lost, so no revocation is needed.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>A flag that tasks wait for until it is set (asyncio's <c>Event</c>):
/// <c>await ev.WaitAsync()</c> or <c>yield return ev.WaitAsync()</c>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoopEvent
{
    private readonly WaitQueue<bool> _waiters = new();
    private EventLoop? _loop;
    private Future? _setFuture; // a done future every Wait returns while the flag is set
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
        foreach (var waiter in _waiters.TakeAll())
        {
            waiter.Future.SetResultObject(null);
        }
    }

    /// <summary>Clears the flag: later <see cref="WaitAsync"/>s wait again.</summary>
    public void Clear()
    {
        LoopAffinity.Bind(ref _loop, this);
        _isSet = false;
    }

    /// <summary>Waits until the flag is set; done at once if it is set already. The future is this
    /// wait's own: canceling it, or a timeout or canceled gather that cancels it, ends this wait
    /// only and changes nothing else.</summary>
    public Future WaitAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_isSet)
        {
            return _setFuture ??= DoneFuture.Of(loop);
        }

        var future = WaitQueue<bool>.NewFuture(loop);
        _waiters.Add(future, false);
        return future;
    }

    /// <inheritdoc />
    public override string ToString() => _isSet ? "<CoopEvent set>" : "<CoopEvent unset>";
}
