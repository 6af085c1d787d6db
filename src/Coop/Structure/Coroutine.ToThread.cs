// ToThread (asyncio.to_thread): run blocking work on the .NET thread pool and await it from the loop.
// The work runs on a pool thread (Task.Run); FromTask brings its outcome back through the loop's inbox,
// and the future completes on the loop thread. Threads cannot be killed: canceling the waiting
// task cancels the future (it was made for that one waiter) and the CancellationToken given to the work,
// but the work itself runs on until it checks the token or ends; an error it raises after the waiter
// left goes to the loop's exception handler.
using BclTask = System.Threading.Tasks.Task; // Coroutine.Task is the coroutine's CoopTask

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

    /// <summary>Runs <paramref name="work"/> on the thread pool with a token that is canceled when the
    /// future is (as when the waiting task is canceled), so the work can stop early.</summary>
    public static Future<T> ToThread<T>(Func<CancellationToken, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return FromTask(token => BclTask.Run(() => work(token), CancellationToken.None));
    }
}
