// A mutual-exclusion lock for the tasks of one loop (asyncio.Lock, with Trio's ownership check).
// Fair: released to the longest waiter, who owns it from the moment it is woken (no barging), and
// cancel-safe by WaitQueue.cs's protocol: a waiter canceled after it was handed the lock passes it
// on. It knows its owner task, so a release by any other task is an error, not a silent corruption.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>A fair, non-reentrant lock for the tasks of one event loop (asyncio's <c>Lock</c>).
/// <c>using (await lk.AcquireAsync()) { ... }</c> in async coroutines; generator coroutines write
/// <c>yield return lk.AcquireAsync();</c> then <c>try { ... } finally { lk.Release(); }</c>.</summary>
/// <remarks>Only the owner task may release it. Waiters are served first come, first served.
/// <see cref="AcquireAsync"/> is cancel-safe: if it is canceled it did not take the lock.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoopLock
{
    private readonly WaitQueue<bool> _waiters = new();
    private readonly Func<Future, bool> _revoke;
    private EventLoop? _loop;
    private Future<LockReleaser>? _acquired; // a done future shared by every uncontended Acquire
    private CoopTask? _owner; // invariant: _owner == null ⇒ no task waits (or only canceled ones)

    /// <summary>Creates an unlocked lock; it binds to the loop it is first used on.</summary>
    public CoopLock()
    {
        _revoke = Revoke;
    }

    /// <summary>True while some task holds the lock.</summary>
    public bool IsLocked => _owner != null;

    /// <summary>The task holding the lock, or null.</summary>
    public CoopTask? Owner => _owner;

    /// <summary>Waits until the lock is free and takes it for the current task. The result is a
    /// releaser: <c>using (await lk.AcquireAsync())</c> releases it at the end of the block.</summary>
    /// <exception cref="InvalidOperationException">Not called from a task, the task already holds the
    /// lock (it is not reentrant), or the lock belongs to another loop.</exception>
    public Future<LockReleaser> AcquireAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        var task = CoopTask.Current ?? throw new InvalidOperationException(
            "CoopLock.AcquireAsync must be called from a task: the lock records its owner task.");
        if (_owner == task)
        {
            throw new InvalidOperationException(
                $"{task.Describe()} already holds this lock: CoopLock is not reentrant, so waiting would deadlock.");
        }

        if (_owner == null)
        {
            _owner = task;
            return _acquired ??= DoneFuture.Of(loop, new LockReleaser(this));
        }

        var future = WaitQueue<bool>.NewFuture<LockReleaser>(loop, _revoke);
        _waiters.Add(future, false);
        AssertInvariants();
        return future;
    }

    /// <summary>Takes the lock if it is free and nobody waits for it; never waits.</summary>
    public bool TryAcquire()
    {
        LoopAffinity.Bind(ref _loop, this);
        var task = CoopTask.Current ?? throw new InvalidOperationException(
            "CoopLock.TryAcquire must be called from a task: the lock records its owner task.");
        if (_owner != null)
        {
            return false;
        }

        _owner = task;
        return true;
    }

    /// <summary>Releases the lock; the longest waiter, if any, owns it next.</summary>
    /// <exception cref="InvalidOperationException">The current task does not hold the lock.</exception>
    public void Release()
    {
        LoopAffinity.Bind(ref _loop, this);
        var task = CoopTask.Current;
        if (_owner == null || _owner != task)
        {
            throw new InvalidOperationException(_owner == null
                ? "CoopLock.Release: the lock is not held."
                : $"CoopLock.Release: the lock is held by {_owner.Describe()}, not by the caller: only the owner may release it.");
        }

        HandOver();
    }

    /// <inheritdoc />
    public override string ToString() =>
        _owner == null ? "<CoopLock unlocked>" : $"<CoopLock locked by {_owner.Describe()}>";

    private void HandOver()
    {
        if (_waiters.TryTake(out var next))
        {
            _owner = next.Task;
            ((Future<LockReleaser>)next.Future).SetResult(new LockReleaser(this));
        }
        else
        {
            _owner = null;
        }

        AssertInvariants();
    }

    [Conditional("DEBUG")]
    private void AssertInvariants() =>
        Debug.Assert(_owner != null || _waiters.IsEmpty, "a free lock has no live waiter");

    // The woken owner was canceled before it resumed: it never had the lock, pass it on.
    private bool Revoke(Future future)
    {
        HandOver();
        return true;
    }
}

/// <summary>Releases a <see cref="CoopLock"/> when disposed: the result of
/// <see cref="CoopLock.AcquireAsync"/>, for <c>using</c>.</summary>
public readonly struct LockReleaser : IDisposable, IAsyncDisposable
{
    private readonly CoopLock? _lock;

    internal LockReleaser(CoopLock lk) => _lock = lk;

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock?.Release();

    /// <summary>Releases, for <c>await using</c>; completes at once.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
