// A counting semaphore for the tasks of one loop (asyncio.Semaphore). Fair: a release hands its
// permit straight to the longest waiter, so a newcomer cannot take it first; cancel-safe by
// WaitQueue.cs's protocol (a waiter canceled after it was handed a permit releases it again).
// CoopBoundedSemaphore.cs adds the over-release check.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>A fair counting semaphore for the tasks of one event loop (asyncio's <c>Semaphore</c>):
/// <c>using (await sem.AcquireAsync()) { ... }</c>; generators <c>yield return sem.AcquireAsync();</c>.</summary>
/// <remarks>Permits are not owned: any task may release. <see cref="AcquireAsync"/> is cancel-safe.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class CoopSemaphore
{
    private readonly WaitQueue<bool> _waiters = new();
    private readonly Func<Future, bool> _revoke;
    private readonly int? _bound;
    private EventLoop? _loop;
    private Future<SemaphoreReleaser>? _acquired;
    private int _value; // invariant: _value > 0 ⇒ nobody waits (a release hands its permit to a waiter)

    /// <summary>Creates a semaphore with <paramref name="initialCount"/> permits.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialCount"/> is negative.</exception>
    public CoopSemaphore(int initialCount = 1)
        : this(initialCount, bounded: false)
    {
    }

    private protected CoopSemaphore(int initialCount, bool bounded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        _value = initialCount;
        _bound = bounded ? initialCount : null;
        _revoke = Revoke;
    }

    /// <summary>How many permits are free now.</summary>
    public int CurrentCount => _value;

    /// <summary>True when <see cref="AcquireAsync"/> would wait.</summary>
    public bool IsLocked => _value == 0;

    /// <summary>Waits for a permit and takes it; the result releases it when disposed.</summary>
    public Future<SemaphoreReleaser> AcquireAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_value > 0)
        {
            _value--;
            return _acquired ??= DoneFuture.Of(loop, new SemaphoreReleaser(this));
        }

        var future = WaitQueue<bool>.NewFuture<SemaphoreReleaser>(loop, _revoke);
        _waiters.Add(future, false);
        AssertInvariants();
        return future;
    }

    /// <summary>Takes a permit if one is free; never waits.</summary>
    public bool TryAcquire()
    {
        LoopAffinity.Bind(ref _loop, this);
        if (_value == 0)
        {
            return false;
        }

        _value--;
        return true;
    }

    /// <summary>Gives a permit back: to the longest waiter if any, else to the count.</summary>
    /// <exception cref="InvalidOperationException">For a <see cref="CoopBoundedSemaphore"/>: more
    /// releases than acquisitions.</exception>
    public void Release()
    {
        LoopAffinity.Bind(ref _loop, this);
        if (!TryHandOn())
        {
            throw new InvalidOperationException(
                $"CoopBoundedSemaphore released too many times: all {_bound} permits are already free.");
        }
    }

    /// <summary>Gives a permit to the longest waiter, else to the count; false if the count is at
    /// its bound already.</summary>
    private bool TryHandOn()
    {
        if (_waiters.TryTake(out var next))
        {
            ((Future<SemaphoreReleaser>)next.Future).SetResult(new SemaphoreReleaser(this));
            return true;
        }

        if (_value == _bound)
        {
            return false;
        }

        _value++;
        AssertInvariants();
        return true;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_value >= 0, "the count is never negative");
        Debug.Assert(_value == 0 || _waiters.IsEmpty, "nobody waits while permits are free");
        Debug.Assert(_bound == null || _value <= _bound, "a bounded semaphore stays within its bound");
    }

    /// <inheritdoc />
    public override string ToString() => $"<{GetType().Name} {_value} free>";

    // The woken waiter was canceled before it resumed: its permit goes on to the next one, or back to
    // the count. A bounded semaphore whose count reached its bound meanwhile took a Release too many
    // (made while this permit was on its way, so it did not throw): taking the permit back would
    // exceed the bound, and the canceled task's await is no place to throw. The permit is dropped
    // (the count stays at its bound) and the over-release goes to the loop's exception handler.
    private bool Revoke(Future future)
    {
        if (!TryHandOn())
        {
            future.Loop.ReportError(new LoopError(
                "CoopBoundedSemaphore released too many times (while a permit was on its way to a task that was then canceled)",
                new InvalidOperationException($"CoopBoundedSemaphore released too many times: all {_bound} permits are already free."),
                CoopTask.Current, null));
        }

        return true;
    }
}

/// <summary>Releases one permit of a <see cref="CoopSemaphore"/> when disposed.</summary>
public readonly struct SemaphoreReleaser : IDisposable, IAsyncDisposable
{
    private readonly CoopSemaphore? _semaphore;

    internal SemaphoreReleaser(CoopSemaphore semaphore) => _semaphore = semaphore;

    /// <summary>Releases the permit.</summary>
    public void Dispose() => _semaphore?.Release();

    /// <summary>Releases, for <c>await using</c>; completes at once.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
