// Every primitive in Sync/ belongs to one event loop: the loop running when it is first used (as
// asyncio 3.10+ binds its primitives). Its code is single-threaded (no locks inside the loop), so
// using it from another loop or another thread would corrupt it silently; this check turns that into
// a clear error instead.
namespace Coop.Core;

internal static class LoopAffinity
{
    /// <summary>Binds <paramref name="loop"/> to the running loop on first use, then checks that every
    /// later use happens on that same loop; returns it.</summary>
    public static EventLoop Bind(ref EventLoop? loop, object primitive)
    {
        var running = EventLoop.CurrentOrNull;
        if (running == null)
        {
            throw new InvalidOperationException(
                $"{primitive.GetType().Name} was used with no event loop running on this thread: use it from a " +
                "coroutine or callback on its loop's thread (from another thread, post work with loop.CallSoonThreadsafe).");
        }

        if (loop == null)
        {
            loop = running;
        }
        else if (loop != running)
        {
            throw new InvalidOperationException(
                $"{primitive.GetType().Name} belongs to another event loop: a primitive is bound to the loop it was " +
                "first used on; create one per loop.");
        }

        return loop;
    }

    /// <summary>Binds like <see cref="Bind"/> and raises the current task's pending cancellation, so a
    /// waiting operation started by a canceled task commits nothing.</summary>
    public static EventLoop BindForWait(ref EventLoop? loop, object primitive)
    {
        var bound = Bind(ref loop, primitive);
        CoopTask.Current?.ThrowIfCancelRequested();
        return bound;
    }
}
