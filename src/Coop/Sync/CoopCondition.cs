// A condition variable (asyncio.Condition): tasks holding a lock wait to be notified, releasing the
// lock while they wait and taking it back before Wait returns. A notification is handed to the
// longest waiter; if that waiter is canceled before it resumes, the notification goes on to the next
// one (WaitQueue.cs's revocation), so a notify is never swallowed by a canceled task.
// Wait is an async coroutine (it must re-acquire the lock after the wake-up), so generator coroutines
// cannot call it; they can use CoopEvent or a queue instead.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>A condition variable bound to a <see cref="CoopLock"/> (asyncio's <c>Condition</c>).
/// Hold the lock, then <c>await cond.WaitAsync()</c> or <c>await cond.WaitUntilAsync(() => ready)</c>; another
/// task holding the lock calls <see cref="Notify"/> or <see cref="NotifyAll"/>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoopCondition
{
    private readonly WaitQueue<bool> _waiters = new();
    private readonly Func<Future, bool> _revoke;
    private EventLoop? _loop;

    /// <summary>Creates a condition over <paramref name="lk"/>, or over a new lock if null.</summary>
    public CoopCondition(CoopLock? lk = null)
    {
        Lock = lk ?? new CoopLock();
        _revoke = Revoke;
    }

    /// <summary>The lock this condition is used with.</summary>
    public CoopLock Lock { get; }

    /// <summary>Acquires the underlying lock (see <see cref="CoopLock.AcquireAsync"/>).</summary>
    public Future<LockReleaser> AcquireAsync() => Lock.AcquireAsync();

    /// <summary>Releases the underlying lock (see <see cref="CoopLock.Release"/>).</summary>
    public void Release() => Lock.Release();

    /// <summary>Releases the lock, waits for a notification, and re-acquires the lock before returning
    /// — also when it is canceled (then it raises the cancellation with the lock held; the
    /// re-acquisition itself is shielded from cancellation, as in Trio).</summary>
    /// <exception cref="InvalidOperationException">The current task does not hold the lock.</exception>
    public async Coroutine WaitAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        RequireLockHeld("WaitAsync");
        var notified = WaitQueue<bool>.NewFuture<bool>(loop, _revoke);
        _waiters.Add(notified, false);
        Lock.Release();
        try
        {
            await notified;
        }
        finally
        {
            await Reacquire();
        }
    }

    /// <summary>Waits until <paramref name="predicate"/> is true, checking it (with the lock held)
    /// first and after each notification; returns its last value.</summary>
    public async Coroutine<bool> WaitUntilAsync(Func<bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (!predicate())
        {
            await WaitAsync();
        }

        return true;
    }

    /// <summary>Wakes up to <paramref name="n"/> waiters, longest first. The caller must hold the lock.</summary>
    public void Notify(int n = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        LoopAffinity.Bind(ref _loop, this);
        RequireLockHeld("Notify");
        NotifyCore(n);
    }

    /// <summary>Wakes every waiter. The caller must hold the lock.</summary>
    public void NotifyAll() => Notify(int.MaxValue);

    /// <inheritdoc />
    public override string ToString() => $"<CoopCondition {_waiters.CountWaiting()} waiting, {Lock}>";

    private void NotifyCore(int n)
    {
        for (var i = 0; i < n && _waiters.TryTake(out var waiter); i++)
        {
            ((Future<bool>)waiter.Future).SetResult(true);
        }
    }

    // The notified waiter was canceled before it resumed: the notification goes to the next one.
    private bool Revoke(Future future)
    {
        NotifyCore(1);
        return true;
    }

    private void RequireLockHeld(string operation)
    {
        if (Lock.Owner == null || Lock.Owner != CoopTask.Current)
        {
            throw new InvalidOperationException(
                $"CoopCondition.{operation} needs the condition's lock held by the calling task: acquire it first.");
        }
    }

    // The lock must be held again when Wait ends, however it ends. A shielded scope hides every
    // cancellation (a one-shot Cancel, a canceled scope, which would otherwise raise at every await
    // and make a retry loop spin) until the lock is back; they are raised at the next await after it.
    private Coroutine Reacquire() => CancelScope.Shielded(async _ => await Lock.AcquireAsync());
}
