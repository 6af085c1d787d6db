// Stepping an async coroutine. The task remembers one continuation (in _chain): the innermost
// coroutine (whose MoveNext resumes it), left by the builder when it suspended on one of Coop's own
// awaiters, or an Action left by any other awaiter. A step calls it, so resuming costs O(1)
// whatever the depth of the await chain. When a coroutine ends, its caller's continuation is queued
// on the loop (EventLoop.PendingContinuation: only the task being stepped can have one, so no task
// carries a field for it) and run by the same step's loop (a trampoline), never by recursion.
// Awaiting something foreign (a BCL Task) parks the task "foreign": the awaitable's completion,
// on any thread, posts the task back through the inbox (ForeignWake).
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Coop;

public partial class CoopTask
{
    /// <summary>The callback a foreign awaitable calls (on any thread) when it completes.</summary>
    /// <remarks>Made per foreign await rather than kept in a field that every task would carry.</remarks>
    internal Action ForeignWake => WakeFromForeign;

    internal static CoopTask ForCoroutine(EventLoop loop, Coroutine root, string? name, CancellationToken token)
    {
        var task = new CoopTask(loop, name);
        task.Attach(root, token);
        return task;
    }

    private protected void Attach(Coroutine root, CancellationToken token)
    {
        root.AttachAsRoot(this);
        _body = root;
        WatchToken(token);
    }

    internal void YieldWith(object resume)
    {
        _chain = resume;
        MakeReady();
    }

    internal void ParkWith(Future future, object resume)
    {
        if (future is YieldFuture && future.Loop == Loop)
        {
            YieldWith(resume); // Sleep(0): a plain yield (Core/YieldFuture.cs)
            return;
        }

        ParkOn(future);
        _chain = resume;
    }

    internal void SuspendForeign(Action resume)
    {
        if (Status != CoopTaskStatus.Running)
        {
            // Already suspended in this step: ordinary async code (an `async Task` method) awaited a
            // Coop coroutine, which parked the task, and then handed its Task to this coroutine. One
            // task cannot wait on both; overwriting the first wait would deadlock the loop.
            throw new InvalidOperationException(
                "A Coop coroutine was awaited from ordinary async code (an async Task method) inside this task and it " +
                "suspended: await coroutines only from async Coroutine methods, or run it as its own task " +
                "(await loop.CreateTask(coroutine)).");
        }

        Status = CoopTaskStatus.Waiting;
        _wait = null; // parked on nothing of Coop's: a stale waker must not read as the future waited on
        _waitingForeign = true;
        Loop.ForeignWaits++;
        _chain = resume;
    }

    /// <summary>A coroutine inside this task ended: resume its caller within this same step.</summary>
    internal void ContinueWith(object resumeCaller) => Loop.PendingContinuation = resumeCaller;

    // The result stays in the root coroutine, unboxed, and is read from there (BoxedResult,
    // CoopTask<T>.Result): a CoopTask<int> allocates no box for its int.
    internal void OnRootCompleted(Coroutine root) => Finish(null, root.ErrorInfo);

    /// <summary>The root coroutine of an async task; null for a generator task.</summary>
    private protected Coroutine? Root => _isGenerator ? null : Unsafe.As<Coroutine>(_body);

    private protected override object? BoxedResult => Root is { } root ? root.BoxedResult : base.BoxedResult;

    private void StepCoroutine()
    {
        var root = Unsafe.As<Coroutine>(_body!);
        if (!root.IsStarted)
        {
            if (_cancelRequested)
            {
                // Canceled before it ever ran: the coroutine body never starts, as in asyncio.
                Finish(null, ExceptionDispatchInfo.Capture(new CanceledException(_extras?.CancelMessage)));
                return;
            }

            root.StartIn(this);
        }
        else
        {
            var resume = _chain!;
            _chain = null;
            Resume(resume);
        }

        var loop = Loop;
        while (loop.PendingContinuation is { } next)
        {
            loop.PendingContinuation = null;
            Resume(next);
        }
    }

    private static void Resume(object resume)
    {
        if (resume is Coroutine coroutine)
        {
            coroutine.MoveNext();
        }
        else
        {
            ((Action)resume)();
        }
    }

    private void WakeFromForeign()
    {
        if (!Loop.IsOnLoopThread)
        {
            Loop.TryPostFromAnyThread(static t => ((CoopTask)t!).WakeFromForeign(), this);
            return;
        }

        if (_waitingForeign)
        {
            _waitingForeign = false;
            Loop.ForeignWaits--;
            MakeReady();
        }
    }
}
