// How the completion of a .NET Task or ValueTask reaches the loop, for the stream adapters
// (ByteStreamOverStream.cs, TlsStream.cs). A coroutine cannot simply `await` a Task: that wait could
// not be cut short by a cancellation (docs/internals.md, §4). So the adapters park on a Coop future
// and the Task's completion completes it:
// - inline, when it completes on the loop thread: SslStream over a Coop stream completes there
//   (LoopValueTaskSource.cs), and then the whole exchange stays on one thread, deterministic under
//   a virtual clock, with no trip through the inbox;
// - through the inbox (the one thread-safe door) when it completes on another thread, as a
//   NetworkStream's or a FileStream's does. While a task waits for such a completion the loop's
//   ForeignWaits counts it, so a virtual clock waits for it instead of jumping ahead or declaring a
//   deadlock (as Coroutine.FromTask does).
namespace Coop.Core;

internal static class BclCompletion
{
    /// <summary>Runs <paramref name="callback"/> on <paramref name="loop"/>'s thread: now if this is
    /// it, else through the loop's inbox.</summary>
    public static void OnLoop(EventLoop loop, Action<object?> callback, object? state)
    {
        if (loop.IsOnLoopThread)
        {
            callback(state);
        }
        else
        {
            loop.TryPostFromAnyThread(callback, state);
        }
    }

    /// <summary>Waits until <paramref name="task"/> ends and rethrows its exception. A cancellation
    /// ends the wait at once; the task runs on (the caller stops it, with its token).</summary>
    /// <param name="loop">The running loop.</param>
    /// <param name="task">The operation.</param>
    /// <param name="completesOnLoop">True when the task is known to complete on the loop thread, so
    /// the wait is not counted as foreign.</param>
    public static async Coroutine WaitAsync(EventLoop loop, Task task, bool completesOnLoop)
    {
        if (!task.IsCompleted)
        {
            var done = new Future(loop) { CancelWithWaiter = true };
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => OnLoop(loop, CompleteFuture, done));
            await Parked(loop, done, completesOnLoop);
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>Awaits <paramref name="future"/>, counted in the loop's foreign waits meanwhile unless
    /// <paramref name="completesOnLoop"/>.</summary>
    public static async Coroutine Parked(EventLoop loop, Future future, bool completesOnLoop)
    {
        if (completesOnLoop)
        {
            await future;
            return;
        }

        loop.ForeignWaits++;
        try
        {
            await future;
        }
        finally
        {
            loop.ForeignWaits--;
        }
    }

    /// <summary>Cancels <paramref name="source"/>: inline for work that completes on the loop (its
    /// callbacks only post to the loop), else on the thread pool, so that callbacks foreign code
    /// registered on the token cannot stall the loop thread.</summary>
    public static void Cancel(CancellationTokenSource source, bool completesOnLoop)
    {
        if (completesOnLoop)
        {
            source.Cancel();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Cancel(), source, preferLocal: false);
        }
    }

    private static readonly Action<object?> CompleteFuture = static f => ((Future)f!).TrySetResult();
}
