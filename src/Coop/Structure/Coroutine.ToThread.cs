// ToThread (asyncio.to_thread): run blocking work on the .NET thread pool and await it from the loop.
// The work runs on a pool thread; its outcome comes back through the loop's inbox (the one thread-safe
// door), and the future completes on the loop thread. Threads cannot be killed: cancelling the waiting
// task cancels the future (it was made for that one waiter) and the CancellationToken given to the work,
// but the work itself runs on until it checks the token or ends; an error it raises after the waiter
// left goes to the loop's exception handler.
namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>Runs <paramref name="work"/> on the thread pool; the future completes on the loop with
    /// its result or exception. Do not touch loop objects from <paramref name="work"/>.</summary>
    public static Future<T> ToThread<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ToThread<T>(_ => work());
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool; the future completes on the loop when it ends.</summary>
    public static Future ToThread(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ToThread<object?>(_ =>
        {
            work();
            return null;
        });
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool with a token that is cancelled when the
    /// future is (as when the waiting task is cancelled), so the work can stop early.</summary>
    public static Future<T> ToThread<T>(Func<CancellationToken, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var loop = EventLoop.RunningLoop;
        var future = new Future<T>(loop) { CancelWithWaiter = true };
        var job = new ThreadJob<T>(loop, future, work);
        future.AddDoneCallback(job.OnFutureDone);
        loop.ForeignWaits++; // another thread will post to the loop: a virtual clock must wait for it, not declare a deadlock
        ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
        return future;
    }

    /// <summary>One piece of blocking work: runs on a pool thread, then posts its outcome to the loop.</summary>
    /// <remarks>The token source is never disposed: it has no timer and is not linked, so the GC
    /// reclaims it, and disposing it could race with the work still reading its token.</remarks>
#pragma warning disable CA1001
    private sealed class ThreadJob<T>(EventLoop loop, Future<T> future, Func<CancellationToken, T> work) : IThreadPoolWorkItem
    {
        private readonly CancellationTokenSource _cts = new();
        private T? _result;
        private Exception? _error;

        public void Execute()
        {
            try
            {
                _result = work(_cts.Token);
            }
#pragma warning disable CA1031 // every outcome of the work goes back to the loop
            catch (Exception e)
#pragma warning restore CA1031
            {
                _error = e;
            }

            // The inbox's lock orders these writes before the loop reads them.
            loop.TryPostFromAnyThread(static j => ((ThreadJob<T>)j!).Complete(), this);
        }

        public void OnFutureDone(Future f)
        {
            if (f.IsCancelled)
            {
                // On the pool, not here: callbacks the work registered on its token must not run on
                // (and stall) the loop thread.
                ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _cts, preferLocal: false);
            }
        }

        private void Complete()
        {
            loop.ForeignWaits--;
            var delivered = _error == null ? future.TrySetResult(_result!) : future.TrySetException(_error);
            if (!delivered && _error is not null and not OperationCanceledException)
            {
                loop.ReportError(new LoopError("Work run with ToThread failed after its waiter was cancelled", _error, null, null));
            }

        }
    }
#pragma warning restore CA1001
}
