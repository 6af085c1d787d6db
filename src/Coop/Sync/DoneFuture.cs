// Futures that are done when they are made: what a Sync primitive returns when the operation
// succeeds at once (an uncontended Acquire, a Get from a non-empty queue, a put with room), so that
// `await` and `yield return` continue in the same step without parking (docs/design.md, "Awaiting
// something complete does not suspend"). Used by CoopLock, CoopSemaphore and CoopQueue.
namespace Coop.Core;

internal static class DoneFuture
{
    /// <summary>A future of <paramref name="loop"/> already completed with <paramref name="result"/>.</summary>
    public static Future<T> Of<T>(EventLoop loop, T result)
    {
        var done = new Future<T>(loop);
        done.SetResult(result);
        return done;
    }

    /// <summary>A result-less future of <paramref name="loop"/>, already completed.</summary>
    public static Future Of(EventLoop loop)
    {
        var done = new Future(loop);
        done.SetResult();
        return done;
    }
}
