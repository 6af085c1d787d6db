// A future: a result that will exist later (asyncio.Future). Futures are where tasks park: a task
// that awaits (or, as a generator, yields) a pending future is put back in the ready queue when the
// future completes. Done callbacks are scheduled with CallSoon, never run inline, as asyncio does.
//
// Who waits is kept in one field, to keep a pending future small (a million tasks may wait on one):
// null, a single waiter, or a List of them. A waiter is a CoopTask (woken only if it is still parked
// on this very future, so stale wake-ups are ignored: STYLE 9) or an Action<Future> done callback.
// Talks to: CoopTask (Park, Wake), EventLoop (the ready queue, the unobserved-error report).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Coop.CompilerServices;
using Coop.Core;

namespace Coop;

/// <summary>A result that will be set later, on one <see cref="EventLoop"/> (asyncio's <c>Future</c>).</summary>
/// <remarks>Await it from an async coroutine, or <c>yield return</c> it from a generator coroutine and
/// read <see cref="Result"/> after. Create futures with <see cref="EventLoop.CreateFuture"/>.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public class Future
{
    private object? _outcome; // the result once Succeeded; the ExceptionDispatchInfo once Failed (wrapped in
                              // an UnobservedError until somebody reads it) or Canceled
    private object? _waiters; // null, one task or done callback, or a WaiterList of them
    private Flags _flags; // one byte: a million pending futures (or tasks, which are futures) stay small

    internal Future(EventLoop loop)
    {
        Loop = loop;
    }

    /// <summary>The loop this future belongs to.</summary>
    public EventLoop Loop { get; }

    /// <summary>Where the future is in its life.</summary>
    public FutureState State { get; private set; }

    /// <summary>True once the future has a result, an exception, or was canceled.</summary>
    public bool IsDone => State != FutureState.Pending;

    /// <summary>True if the future was canceled.</summary>
    public bool IsCanceled => State == FutureState.Canceled;

    /// <summary>The result, boxed: null for a future completed by <see cref="SetResult()"/>, the value a
    /// generator task's <see cref="Coroutine.Return{T}(T)"/> gave, or a <see cref="Future{T}"/>'s
    /// result seen through this base type (<see cref="Future{T}.Result"/> gives it typed). Throws the
    /// future's exception if it failed, <see cref="CanceledException"/> if it was canceled, and
    /// <see cref="InvalidOperationException"/> while it is pending.</summary>
    public object? Result
    {
        get
        {
            ThrowIfNotSucceeded();
            return BoxedResult;
        }
    }

    /// <summary>The exception the future failed with (a <see cref="CanceledException"/> if canceled),
    /// or null if it succeeded. Reading it counts as handling the error. Throws while pending.</summary>
    public Exception? Exception
    {
        get
        {
            if (!IsDone)
            {
                throw new InvalidOperationException($"{Describe()} is not done yet: its exception is not set.");
            }

            Observe();
            return Error?.SourceException;
        }
    }

    /// <summary>True for a future made for one wait (a sleep, a waiter's place in a queue): when the
    /// task waiting on it is canceled, the future is canceled too, unless another task waits on it.</summary>
    internal bool CancelWithWaiter
    {
        get => (_flags & Flags.CancelWithWaiter) != 0;
        init => _flags = value ? _flags | Flags.CancelWithWaiter : _flags & ~Flags.CancelWithWaiter;
    }

    internal bool IsObserved => (_flags & Flags.Observed) != 0;

    /// <summary>The kernel's one hand-off hook. This future woke a task by handing it a resource (a
    /// lock, an item), and that task is about to raise a cancellation at the await instead of taking
    /// it: give the resource back and return true, or return false if the hand-off cannot be undone
    /// (the await then completes and the cancellation waits for the next await). Only
    /// <see cref="Core.HandOffFuture{T}"/> overrides it; it describes the protocol.</summary>
    internal virtual bool TryGiveBack() => true;

    /// <summary>Completes the future successfully, with no value (its <see cref="Result"/> is null), as
    /// <see cref="TaskCompletionSource.SetResult"/> does; throws if it is already done. A
    /// <see cref="Future{T}"/> of a value type takes its value: <see cref="Future{T}.SetResult(T)"/>.</summary>
    public void SetResult()
    {
        if (!TrySetResult())
        {
            throw AlreadyDone();
        }
    }

    /// <summary>Completes the future successfully, with no value, unless it is already done.</summary>
    public bool TrySetResult() => TrySetBoxedResult(null);

    /// <summary>Completes the future with a boxed value, checked against a <see cref="Future{T}"/>'s
    /// type: for the kernel and combinators that pass on a result whose type they do not know. A call
    /// from another thread is refused under the name of the member that called this one.</summary>
    internal bool TrySetBoxedResult(object? result, [CallerMemberName] string operation = "")
    {
        Loop.CheckThread(operation);
        ThrowIfTask();
        return TrySetResultCore(result);
    }

    /// <summary>Completes the future with an exception; throws if it is already done.</summary>
    public void SetException(Exception exception)
    {
        if (!TrySetException(exception))
        {
            throw AlreadyDone();
        }
    }

    /// <summary>Completes the future with an exception unless it is already done.</summary>
    public bool TrySetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ThrowIfTask();
        return TryComplete(null, ExceptionDispatchInfo.Capture(exception));
    }

    /// <summary>Cancels the future: it becomes done and its waiters see <see cref="CanceledException"/>.
    /// Returns false if it was already done.</summary>
    public virtual bool Cancel(string? message = null) =>
        TryComplete(null, ExceptionDispatchInfo.Capture(new CanceledException(message)));

    /// <summary>Calls <paramref name="callback"/> with this future once it is done, through the loop's
    /// ready queue (never inline); right away-scheduled if it is done already.</summary>
    public void AddDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Loop.CheckThread();
        if (IsDone)
        {
            Loop.Schedule(RunDoneCallback, (callback, this));
            return;
        }

        AddWaiter(callback);
    }

    /// <summary>Removes every registration of <paramref name="callback"/>; returns how many.</summary>
    public int RemoveDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Loop.CheckThread();
        switch (_waiters)
        {
            case Action<Future> single when single == callback:
                _waiters = null;
                return 1;
            case WaiterList many:
                return many.RemoveAll(w => w is Action<Future> a && a == callback);
            default:
                return 0;
        }
    }

    /// <summary>Returns an awaiter so that async coroutines can <c>await</c> the future.</summary>
    public FutureAwaiter GetAwaiter() => new(this);

    /// <inheritdoc />
    public override string ToString() => $"{Describe()} {State}";

    internal virtual string Describe() => "Future";

    /// <summary>The primitive this future is a waiter's ticket for (a lock, a queue), if it says.</summary>
    internal virtual object? Giver => null;

    /// <summary>How many entries the waiter list holds, stale ones included (tests check it stays bounded).</summary>
    internal int WaiterEntries => _waiters switch { null => 0, WaiterList many => many.Count, _ => 1 };

    /// <summary>The first task or callback waiting on this future, for traces; null if none.</summary>
    internal object? FirstWaiter => _waiters is WaiterList many ? many[0] : _waiters;

    /// <summary>True when a task other than <paramref name="task"/> is still parked on this future:
    /// then a future made for one wait is not canceled with <paramref name="task"/>.</summary>
    internal bool HasOtherParkedTask(CoopTask task) => _waiters switch
    {
        CoopTask other => other != task && other.IsParkedOn(this),
        WaiterList many => many.Exists(w => w is CoopTask t && t != task && t.IsParkedOn(this)),
        _ => false,
    };

    internal void AddWaiter(object waiter)
    {
        switch (_waiters)
        {
            case null:
                _waiters = waiter;
                break;
            case WaiterList many:
                if ((_flags & Flags.WaiterLeft) != 0 && many.Count >= many.SweepAt)
                {
                    DropStaleWaiters(many, waiter as CoopTask);
                }

                many.Add(waiter);
                break;
            default:
                var list = new WaiterList();
                list.Add(_waiters);
                list.Add(waiter);
                _waiters = list;
                break;
        }
    }

    /// <summary>A parked task left this future before it completed (canceled, or its cancel scope
    /// timed out): its entry stays in the list, stale, until the next sweep.</summary>
    internal void NoteWaiterLeft() => _flags |= Flags.WaiterLeft;

    /// <summary>A task that left this future stays listed (finding it would cost a search), and if it
    /// waits again it is listed again. A long-lived future waited on with timeouts, again and again,
    /// would collect such entries without end, and wake a task where it first waited, so once a task
    /// has left, the list is swept before it grows and before the future wakes its waiters: out go
    /// the tasks no longer parked here and all but the newest entry of a task listed twice. Amortized
    /// O(1) per wait: the next sweep waits for the list to double unless a quarter of it came free.</summary>
    private void DropStaleWaiters(WaiterList many, CoopTask? adding)
    {
        _flags &= ~Flags.WaiterLeft;
        adding?.MarkSwept(true); // its entries so far are all older than the one it is adding
        for (var i = many.Count - 1; i >= 0; i--)
        {
            if (many[i] is CoopTask task)
            {
                if (!task.IsParkedOn(this) || task.IsSwept)
                {
                    many[i] = null; // left, or listed again later (the later entry is kept): stale
                }
                else
                {
                    task.MarkSwept(true);
                }
            }
        }

        many.Compact();
        for (var i = 0; i < many.Count; i++)
        {
            (many[i] as CoopTask)?.MarkSwept(false);
        }

        adding?.MarkSwept(false);
        if (many.Count > many.SweepAt * 3 / 4)
        {
            many.SweepAt *= 2;
        }
    }

    internal void ThrowIfNotSucceeded()
    {
        switch (State)
        {
            case FutureState.Succeeded:
                return;
            case FutureState.Pending:
                throw new InvalidOperationException($"{Describe()} is not done yet: its result is not set.");
            default:
                Observe();
                Error!.Throw();
                return;
        }
    }

    /// <summary>Somebody read the outcome: a failure is no longer reported (Core/UnobservedError.cs).</summary>
    private void Observe()
    {
        _flags |= Flags.Observed;
        if (_outcome is UnobservedError unread)
        {
            _outcome = unread.Read();
        }
    }

    /// <summary>Replaces the message a failure nobody reads is reported with (the default says
    /// "Future/Task exception was never retrieved"); nothing if it was read already.</summary>
    internal void DescribeUnobservedError(string message)
    {
        if (_outcome is UnobservedError unread)
        {
            unread.Message = message;
        }
    }

    /// <summary>The result as an object; <see cref="Future{T}"/> keeps its result unboxed.</summary>
    private protected virtual object? BoxedResult => _outcome;

    private ExceptionDispatchInfo? Error =>
        State is FutureState.Failed or FutureState.Canceled
            ? _outcome as ExceptionDispatchInfo ?? ((UnobservedError)_outcome!).Error
            : null;

    /// <summary>Sets an untyped result; <see cref="Future{T}"/> checks its type and stores it unboxed.</summary>
    private protected virtual bool TrySetResultCore(object? result) => TryComplete(result, null);

    /// <summary>Completion hook for subclasses. A failure is wrapped until somebody reads it: if
    /// nobody does, it is reported when the future is collected or the loop closes, as asyncio
    /// does (Core/UnobservedError.cs). Reading it later, however much later, is never reported.</summary>
    private protected virtual void OnCompleted()
    {
        if (State == FutureState.Failed)
        {
            _outcome = new UnobservedError(this, (ExceptionDispatchInfo)_outcome!);
        }
    }

    /// <summary>The one door through which every future completes: with a result when
    /// <paramref name="error"/> is null, else failed, or canceled for a <see cref="CanceledException"/>.</summary>
    private protected bool TryComplete(object? result, ExceptionDispatchInfo? error, [CallerMemberName] string operation = "")
    {
        // Waking waiters touches the ready queue: only the loop thread may (other threads post a
        // callback that completes the future, with CallSoonThreadsafe).
        Loop.CheckThread(operation);
        if (IsDone)
        {
            return false;
        }

        _outcome = (object?)error ?? result;
        State = error == null ? FutureState.Succeeded
            : error.SourceException is CanceledException ? FutureState.Canceled
            : FutureState.Failed;
        if ((_flags & Flags.WaiterLeft) != 0 && _waiters is WaiterList listed)
        {
            DropStaleWaiters(listed, null); // so each task is woken once, where it last began to wait
        }

        var waiters = _waiters;
        _waiters = null;
        if (waiters is WaiterList many)
        {
            for (var i = 0; i < many.Count; i++)
            {
                Wake(many[i]!);
            }
        }
        else if (waiters != null)
        {
            Wake(waiters);
        }

        OnCompleted();
        return true;
    }

    private void Wake(object waiter)
    {
        if (waiter is CoopTask task)
        {
            task.Wake(this);
        }
        else
        {
            Loop.Schedule(RunDoneCallback, ((Action<Future>)waiter, this));
        }
    }

    private void ThrowIfTask()
    {
        if (this is CoopTask)
        {
            throw new InvalidOperationException("A task completes when its coroutine does: it cannot be set from outside (cancel it instead).");
        }
    }

    private static readonly Action<object?> RunDoneCallback = static state =>
    {
        var (callback, future) = ((Action<Future>, Future))state!;
        callback(future);
    };

    private protected InvalidOperationException AlreadyDone() =>
        new($"{Describe()} is already done ({State}): a future completes only once.");

    [Flags]
    private enum Flags : byte
    {
        Observed = 1,         // somebody read the outcome (an unobserved failure is reported)
        CancelWithWaiter = 2, // made for one wait: canceled when its only parked task is
        WaiterLeft = 4,       // a task left before completion: its entry is stale (DropStaleWaiters)
    }
}
