// The FIFO of tasks waiting on one primitive (a lock's acquirers, a queue's getters): the one place
// that says how Coop's primitives stay fair and cancel-safe. Every primitive in Sync/ is built on it.
//
// The protocol
// - Each waiter gets its own private future, made with CancelWithWaiter (canceling the task while it
//   waits cancels that future) and, when the wake-up hands over something that can be lost, a
//   give-back function (a HandOffFuture). The task parks on the future with the ordinary kernel door (await or
//   `yield return`), so generator and async coroutines use the same operations.
// - Fairness: the resource is handed over when the waiter is woken — the lock's owner becomes the
//   waiter's task, the item is the future's result — so nobody can barge in between the wake-up and
//   the moment the woken task runs. The longest waiter is woken first.
// - Canceled while waiting: the future is canceled with the task (CoopTask.Cancel's undo action);
//   the entry stays in the deque and is skipped when it reaches the front (lazy removal, O(1)).
//   Entries behind a waiter that stays (a lock held for long, waited on with timeouts in a loop)
//   would pile up without end, so before the deque grows, the done ones are swept out (amortized
//   O(1): it still doubles unless a quarter of it came free).
// - Canceled after being woken, before it resumed (the race every primitive must survive): the
//   cancellation is decided where it would be raised, at the await point (CoopTask.GiveBackHandOff,
//   called by the check every await makes): if the future that woke the task handed it something, its
//   TryRevokeHandOff gives it back first. A lock goes to the next waiter, a get's item goes to the next
//   getter or back to the head of the queue, a notification goes to the next waiter; then the task
//   raises CanceledException having committed nothing. A hand-off that cannot be undone (a put whose
//   item is already in the queue) returns false: the operation completes and the cancellation stays
//   pending for the task's next await, as in Trio. Either way nothing is lost or duplicated. Deciding
//   at the await point (not in CoopTask.Cancel) means every way of canceling a task takes this path.
// - A task that is already canceled when it calls a waiting operation raises at once and commits
//   nothing (LoopAffinity.BindForWait).
namespace Coop.Core;

internal sealed class WaitQueue<TPayload>
{
    private readonly Deque<Waiter> _waiters = new();

    /// <summary>True when no waiter is still waiting (canceled ones at the front are dropped).</summary>
    public bool IsEmpty
    {
        get
        {
            DropDoneAtFront();
            return _waiters.Count == 0;
        }
    }

    /// <summary>Counts the waiters still waiting: O(n), for small sets (a barrier) and statistics.</summary>
    public int CountWaiting()
    {
        var n = 0;
        for (var i = 0; i < _waiters.Count; i++)
        {
            if (!_waiters[i].Future.IsDone)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Makes a waiter's private future on <paramref name="loop"/>.</summary>
    public static Future<T> NewFuture<T>(EventLoop loop, Func<Future, bool>? revoke) =>
        revoke == null ? new Future<T>(loop) { CancelWithWaiter = true } : new HandOffFuture<T>(loop, revoke) { CancelWithWaiter = true };

    /// <summary>Makes a waiter's private future without a result, for a wake-up that hands over
    /// nothing (an event set, a queue joined).</summary>
    public static Future NewFuture(EventLoop loop) => new(loop) { CancelWithWaiter = true };

    /// <summary>Queues a waiter at the back.</summary>
    public void Add(Future future, TPayload payload)
    {
        if (_waiters.Count == _waiters.Capacity)
        {
            DropDone();
        }

        _waiters.PushBack(new Waiter(future, CoopTask.Current, payload));
    }

    /// <summary>How many entries the deque holds, left waiters not yet swept included (tests check
    /// that it stays bounded).</summary>
    internal int Entries => _waiters.Count;

    private void DropDone()
    {
        _waiters.RemoveWhere(static w => w.Future.IsDone);
        if (_waiters.Count > _waiters.Capacity * 3 / 4)
        {
            _waiters.Reserve(_waiters.Capacity * 2);
        }
    }

    /// <summary>Takes the longest waiter still waiting; false if there is none.</summary>
    public bool TryTake(out Waiter waiter)
    {
        DropDoneAtFront();
        if (_waiters.Count == 0)
        {
            waiter = default;
            return false;
        }

        waiter = _waiters.PopFront();
        return true;
    }

    /// <summary>Removes every waiter, returning those still waiting, oldest first.</summary>
    public List<Waiter> TakeAll()
    {
        var all = new List<Waiter>(_waiters.Count);
        while (_waiters.Count > 0)
        {
            var waiter = _waiters.PopFront();
            if (!waiter.Future.IsDone)
            {
                all.Add(waiter);
            }
        }

        return all;
    }

    private void DropDoneAtFront()
    {
        while (_waiters.Count > 0 && _waiters.PeekFront().Future.IsDone)
        {
            _waiters.PopFront();
        }
    }

    /// <summary>One waiting task: its private future, the task (a lock's next owner), and what it
    /// brought (a blocked put's item).</summary>
    internal readonly record struct Waiter(Future Future, CoopTask? Task, TPayload Payload);
}
