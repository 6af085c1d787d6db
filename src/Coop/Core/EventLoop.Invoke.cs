// Calling into a running loop from other threads and awaiting the result there (asyncio's
// run_coroutine_threadsafe): an ASP.NET Core endpoint, a hosted service or any thread-pool code hands
// the loop a coroutine and gets a BCL Task back. Built on the inbox, the one thread-safe door
// (STYLE 5): the start and a cancellation cross it, nothing else; the coroutine runs as an ordinary
// task on the loop thread, and its end completes the Task.
//
// Discussion:
// - The coroutine is made on the loop thread (a factory, not a coroutine): making one may touch the
//   loop (a future, a lock), which only its thread may do.
// - The task's root is a small wrapper (Invocation.Run) that completes the Task as the body ends,
//   in the task's last step. A done callback would come one pass later, and a loop shutting down
//   (EventLoop.Run canceling leftover tasks) stops as soon as its last task is done, dropping it.
// - Cancellation crosses both ways. The caller's token cancels the task, and the Task ends when the
//   body does, after its finally blocks, with what it did (a body that catches the cancellation and
//   returns a value delivers the value). A task canceled on the loop's side (a cancel scope, the
//   loop's shutdown) cancels the Task, even before its first step, when the body never runs. Only
//   when the loop cannot be reached any more (closed) does the token cancel the Task on the caller's
//   side. An OperationCanceledException cancels the Task, as it does an async Task method's.
// - An error goes to the caller through the Task, the same exception object; the task itself then
//   ends without it, so the loop does not report it a second time as never retrieved.
// - Posts go through TryPostOutcome, not the public CallSoonThreadsafe: a post the loop closes on is
//   answered (the Task fails or is canceled), not reported as a callback that never ran while the
//   caller waits forever.
// - The Task's continuations run asynchronously, never inline on the loop thread, so an awaiting
//   caller cannot run its code on the loop or block it.
// - The caller's ExecutionContext flows to the task (asyncio's call_soon_threadsafe copies the
//   caller's contextvars): Activity.Current and the logger scopes of a request go with the call.
// - No generator overload: a wrapper cannot catch what a C# iterator throws across a yield.
// Not covered: a loop stopped and then closed under a running body, without canceling its tasks
// (EventLoop.Run and Coop.Hosting both cancel them), leaves the Task pending until its token is
// canceled: Close does not end live tasks, and nothing else tells the invocation.
namespace Coop;

public sealed partial class EventLoop
{
    /// <summary>Runs the coroutine that <paramref name="function"/> makes as a task on this loop, from
    /// any other thread, and returns a <see cref="Task{TResult}"/> that completes with its outcome
    /// (asyncio's <c>run_coroutine_threadsafe</c>).</summary>
    /// <remarks>
    /// <para><paramref name="function"/> runs on the loop thread. The Task gets the coroutine's result,
    /// or the exception it threw (the same object), or is canceled when the task ends canceled.</para>
    /// <para>Canceling <paramref name="cancellationToken"/> cancels the task on the loop; the Task
    /// completes once the coroutine has finished unwinding (its <c>finally</c> blocks have run).</para>
    /// <para>The loop must be running on another thread. If it is closed before the call starts, the
    /// Task fails with <see cref="InvalidOperationException"/>.</para>
    /// </remarks>
    /// <param name="function">Makes the coroutine to run; called once, on the loop thread.</param>
    /// <param name="cancellationToken">Cancels the call: the task on the loop, and through it the Task.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The loop is closed, is not running, or this is its
    /// own thread (a coroutine awaits the coroutine, or <see cref="CreateTask{T}(Coroutine{T}, string?, CancellationToken)"/>, instead).</exception>
    public Task<T> InvokeAsync<T>(Func<Coroutine<T>> function, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Invocation<T>.Post(this, function, cancellationToken);
    }

    /// <summary>Runs the coroutine that <paramref name="function"/> makes as a task on this loop, from
    /// any other thread; the returned Task completes when it ends. See
    /// <see cref="InvokeAsync{T}(Func{Coroutine{T}}, CancellationToken)"/>.</summary>
    /// <param name="function">Makes the coroutine to run; called once, on the loop thread.</param>
    /// <param name="cancellationToken">Cancels the call: the task on the loop, and through it the Task.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The loop is closed, is not running, or this is its own thread.</exception>
    public Task InvokeAsync(Func<Coroutine> function, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Invocation<object?>.Post(this, () => WithoutResult(function()), cancellationToken);
    }

    private static async Coroutine<object?> WithoutResult(Coroutine? coroutine)
    {
        await (coroutine ?? throw Invocation<object?>.NullCoroutine());
        return null;
    }

    /// <summary>One call into the loop: posted from the caller's thread, run as a task on the loop
    /// thread. Its Task is the only part both threads touch (a TaskCompletionSource is thread-safe);
    /// the caller's token reaches the loop through the inbox.</summary>
    private sealed class Invocation<T>
    {
        private readonly EventLoop _loop;
        private readonly Func<Coroutine<T>> _function;
        private readonly CancellationToken _token;
        private readonly ExecutionContext? _callerContext;
        private readonly TaskCompletionSource<T> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _registration;
        private CoopTask<T>? _task; // loop thread only, as is _started
        private bool _started;

        private Invocation(EventLoop loop, Func<Coroutine<T>> function, CancellationToken token)
        {
            _loop = loop;
            _function = function;
            _token = token;
            _callerContext = ExecutionContext.Capture();
        }

        public static InvalidOperationException NullCoroutine() =>
            new("The function given to InvokeAsync returned null instead of a coroutine.");

        public static Task<T> Post(EventLoop loop, Func<Coroutine<T>> function, CancellationToken token)
        {
            if (loop.IsClosed)
            {
                throw new InvalidOperationException("The event loop is closed: InvokeAsync cannot hand it a coroutine.");
            }

            if (loop.IsOnLoopThread)
            {
                throw new InvalidOperationException(
                    "InvokeAsync was called on the event loop's own thread, where waiting for its Task would block the loop: " +
                    "a coroutine awaits the coroutine itself, or loop.CreateTask(coroutine).");
            }

            if (!loop.IsRunning)
            {
                throw new InvalidOperationException(
                    "The event loop is not running: InvokeAsync hands a coroutine to a loop that runs on another thread (loop.RunForever there).");
            }

            var call = new Invocation<T>(loop, function, token);

            // Registered before the start is posted, so that the loop thread sees the registration
            // made when it ends the call. A token canceled already posts its cancellation at once,
            // ahead of the start; the start checks the token itself.
            if (token.CanBeCanceled)
            {
                call._registration = token.UnsafeRegister(static c => ((Invocation<T>)c!).OnTokenCanceled(), call);
            }

            if (!loop.TryPostOutcome(static c => ((Invocation<T>)c!).Start(), call, static c => ((Invocation<T>)c!).OnClosedBeforeStart()))
            {
                call._registration.Dispose();
                throw new InvalidOperationException("The event loop is closed: InvokeAsync cannot hand it a coroutine.");
            }

            return call._outcome.Task;
        }

        /// <summary>On the loop thread: makes the coroutine and its task, in the caller's context.</summary>
        private void Start()
        {
            if (_token.IsCancellationRequested)
            {
                Cancel();
                return;
            }

            try
            {
                if (_callerContext == null)
                {
                    CreateTask();
                }
                else
                {
                    ExecutionContext.Run(_callerContext, static c => ((Invocation<T>)c!).CreateTask(), this);
                }
            }
#pragma warning disable CA1031 // whatever the factory throws is the call's outcome
            catch (Exception e)
#pragma warning restore CA1031
            {
                _outcome.TrySetException(e);
                Unregister();
            }
        }

        private void CreateTask()
        {
            var body = _function() ?? throw NullCoroutine();
            var task = _loop.CreateTask(Run(body));
            _task = task;

            // A task canceled before its first step ends without running its coroutine (as in
            // asyncio), so Run would never answer: its token, canceled synchronously by Cancel, does.
            task.CancellationToken.UnsafeRegister(static c => ((Invocation<T>)c!).OnTaskCancelRequested(), this);
        }

        /// <summary>The task's root: runs the body and hands its outcome to the Task as the body ends,
        /// in the task's last step (a done callback could be dropped: a loop shutting down stops as
        /// soon as its last task is done).</summary>
        private async Coroutine<T> Run(Coroutine<T> body)
        {
            _started = true;
            try
            {
                var result = await body;
                _outcome.TrySetResult(result);
                return result;
            }
            catch (CanceledException)
            {
                _outcome.TrySetCanceled(_token.IsCancellationRequested ? _token : default);
                throw; // the task ends canceled too
            }
            catch (OperationCanceledException e)
            {
                // As an async Task method does: an OperationCanceledException cancels the Task.
                _outcome.TrySetCanceled(_token.IsCancellationRequested ? _token : e.CancellationToken);
                return default!;
            }
#pragma warning disable CA1031 // every error goes to the caller, which awaits it: the task must not report it again
            catch (Exception e)
#pragma warning restore CA1031
            {
                _outcome.TrySetException(e);
                return default!;
            }
            finally
            {
                Unregister();
            }
        }

        private void OnTaskCancelRequested()
        {
            if (!_started)
            {
                Cancel();
            }
        }

        /// <summary>On any thread: the caller's token was canceled. The loop cancels the task; if the
        /// loop cannot be reached any more, the Task is canceled here.</summary>
        private void OnTokenCanceled()
        {
            if (!_loop.TryPostOutcome(static c => ((Invocation<T>)c!).CancelTask(), this, static c => ((Invocation<T>)c!).Cancel()))
            {
                Cancel();
            }
        }

        private void CancelTask() => _task?.Cancel("The caller of InvokeAsync canceled its token.");

        private void Cancel()
        {
            _outcome.TrySetCanceled(_token.IsCancellationRequested ? _token : default);
            Unregister();
        }

        private void OnClosedBeforeStart()
        {
            _outcome.TrySetException(new InvalidOperationException(
                "The event loop was closed before the coroutine given to InvokeAsync could start."));
            Unregister();
        }

        // Not Dispose: Dispose waits for a callback running on another thread, and the loop thread
        // must not wait.
        private void Unregister() => _registration.Unregister();
    }
}
