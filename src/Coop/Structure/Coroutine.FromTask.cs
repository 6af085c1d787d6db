// FromTask (asyncio.wrap_future): a BCL Task as a Coop future. A coroutine may await a Task directly,
// but that await cannot be interrupted: a Cancel, a WaitFor timeout or a cancel scope reaches the task
// only at its next Coop await, after the Task ends. Through FromTask the task waits on a Coop future
// instead, so a cancellation ends the wait at once; the overloads that take Func<CancellationToken, Task>
// also cancel the token they passed, so the operation itself can stop. The Task completes on any
// thread; its outcome comes back through the loop's inbox, the one thread-safe door. ToThread is
// FromTask over Task.Run.
using BclTask = System.Threading.Tasks.Task; // Coroutine.Task is the coroutine's CoopTask

namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>A future that completes on the loop with the outcome of <paramref name="task"/>
    /// (asyncio's <c>wrap_future</c>). Unlike <c>await task</c>, an await of this future can be
    /// canceled: the waiter leaves at once and <paramref name="task"/> runs on. Its exception, if it
    /// fails after its waiter left, goes to the loop's exception handler.</summary>
    public static Future<T> FromTask<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return TaskBridge<T>.Wrap(EventLoop.Current, task, stop: null);
    }

    /// <summary>A future that completes on the loop when <paramref name="task"/> ends (asyncio's
    /// <c>wrap_future</c>); see <see cref="FromTask{T}(Task{T})"/>.</summary>
    public static Future FromTask(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return TaskBridge<object?>.Wrap(EventLoop.Current, task, stop: null);
    }

    /// <summary>Starts an operation with a token that is canceled when the returned future is (as when
    /// the task awaiting it is canceled or times out), and completes on the loop with its outcome:
    /// <c>await Coroutine.FromTask(token => http.GetStringAsync(url, token))</c>.</summary>
    public static Future<T> FromTask<T>(Func<CancellationToken, Task<T>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var loop = EventLoop.Current;
        var stop = new CancellationTokenSource();
        return TaskBridge<T>.Wrap(loop, Started(start, stop.Token), stop);
    }

    /// <summary>Starts an operation with a token that is canceled when the returned future is; see
    /// <see cref="FromTask{T}(Func{CancellationToken, Task{T}})"/>.</summary>
    public static Future FromTask(Func<CancellationToken, Task> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var loop = EventLoop.Current;
        var stop = new CancellationTokenSource();
        return TaskBridge<object?>.Wrap(loop, Started(start, stop.Token), stop);
    }

    // A start function that throws fails the future, as an async method that throws fails its Task.
    private static Task Started(Func<CancellationToken, Task> start, CancellationToken token)
    {
        try
        {
            return start(token) ?? throw new InvalidOperationException("The function given to Coroutine.FromTask returned null instead of a Task.");
        }
#pragma warning disable CA1031 // every outcome of the start function goes to the future
        catch (Exception e)
#pragma warning restore CA1031
        {
            return BclTask.FromException(e); // Deliver rethrows it from any Task, typed or not
        }
    }

    /// <summary>Carries one Task's outcome to its future on the loop thread.</summary>
    /// <remarks>The token source is never disposed: it has no timer and is not linked, so the GC
    /// reclaims it, and disposing it could race with the operation still reading its token.</remarks>
#pragma warning disable CA1001
    private sealed class TaskBridge<T>
    {
        private readonly EventLoop _loop;
        private readonly Task _task;
        private readonly CancellationTokenSource? _stop;
        private readonly Future<T> _future;
        private bool _inFlight; // counted in the loop's ForeignWaits: someone still waits for the outcome

        private TaskBridge(EventLoop loop, Task task, CancellationTokenSource? stop)
        {
            _loop = loop;
            _task = task;
            _stop = stop;
            _future = new Future<T>(loop) { CancelWithWaiter = true };
        }

        public static Future<T> Wrap(EventLoop loop, Task task, CancellationTokenSource? stop)
        {
            var bridge = new TaskBridge<T>(loop, task, stop);
            if (task.IsCompleted)
            {
                bridge.Deliver(); // no trip through another thread: the future is done before it is returned
                return bridge._future;
            }

            // Another thread will post to the loop: a virtual clock must wait for it, not jump ahead
            // or declare a deadlock, for as long as somebody waits for the outcome.
            loop.ForeignWaits++;
            bridge._inFlight = true;
            bridge._future.AddDoneCallback(bridge.OnFutureDone);
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(bridge.PostOutcome);
            return bridge._future;
        }

        // On the Task's thread.
        private void PostOutcome()
        {
            if (!_loop.TryPostOutcome(static b => ((TaskBridge<T>)b!).OnTaskDone(), this, static b => ((TaskBridge<T>)b!).ReportIfFailed()))
            {
                // Closed already: nobody can wait for the outcome; only an error is worth a line, and
                // the loop's handler may not be called from this thread.
                if (Failure is { } error)
                {
                    Console.Error.WriteLine($"Coop: a Task awaited through Coroutine.FromTask or ToThread failed after its event loop was closed: {error}");
                }
            }
        }

        /// <summary>The loop closed before the outcome reached it (called by Close, on its thread).</summary>
        private void ReportIfFailed()
        {
            if (Failure is { } error)
            {
                _loop.ReportError(new LoopError("A Task awaited through Coroutine.FromTask or ToThread failed and its event loop closed before it could tell anyone", error, null, null));
            }
        }

        /// <summary>The Task's error, unless it succeeded or was canceled (a cancellation is no news).</summary>
        private Exception? Failure => _task.Exception?.InnerException is { } e and not OperationCanceledException ? e : null;

        private void OnTaskDone()
        {
            StopCountingInFlight();
            Deliver();
        }

        private void StopCountingInFlight()
        {
            if (_inFlight)
            {
                _inFlight = false;
                _loop.ForeignWaits--;
            }
        }

        private void Deliver()
        {
            T result;
            try
            {
                result = _task is Task<T> typed ? typed.GetAwaiter().GetResult() : ReadVoid();
            }
#pragma warning disable CA1031 // the exception goes to the future, exactly as `await task` would throw it
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (!_future.TrySetException(e) && e is not OperationCanceledException)
                {
                    _loop.ReportError(new LoopError("A Task awaited through Coroutine.FromTask or ToThread failed after its waiter was canceled", e, null, null));
                }

                return;
            }

            _future.TrySetResult(result); // false if the waiter left: the result has nobody to go to
        }

        private T ReadVoid()
        {
            _task.GetAwaiter().GetResult();
            return default!;
        }

        private void OnFutureDone(Future future)
        {
            if (!future.IsCanceled)
            {
                return; // completed with the Task's outcome
            }

            // The waiter left: nobody waits for the outcome now, so a virtual clock may go on without
            // it (a late outcome is still delivered, or reported if it is an error).
            StopCountingInFlight();
            if (_stop != null)
            {
                // On the pool, not here: callbacks the operation registered on its token must not run on
                // (and stall) the loop thread.
                ThreadPool.UnsafeQueueUserWorkItem(static stop => stop.Cancel(), _stop, preferLocal: false);
            }
        }
    }
#pragma warning restore CA1001
}
