// A barrier (asyncio.Barrier): a fixed number of parties wait until all have arrived, then all go on
// together and the barrier resets for the next round. A waiter canceled before the round completes
// simply leaves it (its private future is canceled with it and is no longer counted). Abort breaks
// the barrier for everyone.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>Lets <see cref="Parties"/> tasks wait for each other (asyncio's <c>Barrier</c>):
/// <c>int index = await barrier.WaitAsync();</c>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CoopBarrier
{
    private readonly WaitQueue<int> _waiters = new();
    private EventLoop? _loop;

    /// <summary>Creates a barrier for <paramref name="parties"/> tasks.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1.</exception>
    public CoopBarrier(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        Parties = parties;
    }

    /// <summary>How many tasks must arrive to pass the barrier.</summary>
    public int Parties { get; }

    /// <summary>How many tasks wait at the barrier now.</summary>
    public int Waiting => _waiters.CountWaiting();

    /// <summary>True after <see cref="Abort"/>, until <see cref="Reset"/>.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>Waits until <see cref="Parties"/> tasks have arrived; the result is this task's
    /// arrival index (0 to Parties − 1). Cancel-safe: a canceled waiter is not counted.</summary>
    /// <exception cref="BrokenBarrierException">The barrier is or becomes broken.</exception>
    public Future<int> WaitAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        ThrowIfBroken();
        var index = _waiters.CountWaiting();
        var future = WaitQueue<int>.NewFuture<int>(loop, revoke: null);
        if (index + 1 < Parties)
        {
            _waiters.Add(future, index);
            return future;
        }

        var i = 0;
        foreach (var waiter in _waiters.TakeAll())
        {
            ((Future<int>)waiter.Future).SetResult(i++);
        }

        future.SetResult(i);
        return future;
    }

    /// <summary>Breaks the barrier: every waiter, and every later <see cref="WaitAsync"/>, raises
    /// <see cref="BrokenBarrierException"/>.</summary>
    public void Abort()
    {
        LoopAffinity.Bind(ref _loop, this);
        IsBroken = true;
        foreach (var waiter in _waiters.TakeAll())
        {
            waiter.Future.SetException(new BrokenBarrierException("The barrier was aborted while this task waited."));
        }
    }

    /// <summary>Returns the barrier to its empty state; tasks waiting now raise
    /// <see cref="BrokenBarrierException"/>.</summary>
    public void Reset()
    {
        Abort();
        IsBroken = false;
    }

    /// <inheritdoc />
    public override string ToString() => $"<CoopBarrier {Waiting}/{Parties}{(IsBroken ? " broken" : "")}>";

    private void ThrowIfBroken()
    {
        if (IsBroken)
        {
            throw new BrokenBarrierException("The barrier is broken (aborted): call Reset to use it again.");
        }
    }
}
