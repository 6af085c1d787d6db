// Wait (asyncio.wait): wait until some or all of a set of futures are done, without raising their
// errors and without canceling the others. It returns a Future, usable from both coroutine kinds.
// Built from done callbacks and one timer; everything registered is removed when the wait ends,
// including when the waiting task is canceled (the result future is canceled with its waiter).
namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>Waits until the futures (or tasks) satisfy <paramref name="mode"/> or
    /// <paramref name="timeout"/> seconds pass, and completes with which are done and which pending
    /// (asyncio's <c>wait</c>). It never raises the futures' errors and never cancels them: look at
    /// each done future's result or exception.</summary>
    public static Future<WaitResult> Wait(IEnumerable<Future> futures, WaitMode mode = WaitMode.AllCompleted, double timeout = double.PositiveInfinity)
    {
        return WaitCore(futures, mode, timeout);
    }

    /// <summary>Waits until the futures satisfy <paramref name="mode"/> or <paramref name="timeout"/>
    /// passes (see <see cref="Wait(IEnumerable{Future}, WaitMode, double)"/>).</summary>
    public static Future<WaitResult> Wait(IEnumerable<Future> futures, WaitMode mode, TimeSpan timeout) =>
        WaitCore(futures, mode, EventLoop.SecondsOf(timeout));

    private static Future<WaitResult> WaitCore(IEnumerable<Future> futures, WaitMode mode, double timeout)
    {
        ArgumentNullException.ThrowIfNull(futures);
        if (double.IsNaN(timeout))
        {
            throw new ArgumentException("The timeout is NaN: give seconds, or PositiveInfinity for none.", nameof(timeout));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use WaitMode.AllCompleted, FirstCompleted or FirstException.");
        }

        var all = CheckAll(futures.ToArray());
        if (all.Length == 0)
        {
            throw new ArgumentException("Wait needs at least one future: with none it would never end.", nameof(futures));
        }

        var loop = all[0].Loop;
        loop.CheckThread();
        var result = new Future<WaitResult>(loop) { CancelWithWaiter = true };
        if (IsWaitOver(all, mode))
        {
            result.SetResult(Split(all));
            return result;
        }

        Handle? timer = null;
        Action<Future>? onDone = null;
        void End()
        {
            timer?.Cancel();
            foreach (var future in all)
            {
                future.RemoveDoneCallback(onDone!);
            }
        }

        onDone = _ =>
        {
            if (!result.IsDone && IsWaitOver(all, mode))
            {
                End();
                result.SetResult(Split(all));
            }
        };
        foreach (var future in all)
        {
            future.AddDoneCallback(onDone);
        }

        if (!double.IsPositiveInfinity(timeout))
        {
            timer = loop.CallLater(timeout, () =>
            {
                if (!result.IsDone)
                {
                    End();
                    result.SetResult(Split(all));
                }
            });
        }

        result.AddDoneCallback(f =>
        {
            if (f.IsCanceled)
            {
                End();
            }
        });
        return result;
    }

    private static bool IsWaitOver(Future[] futures, WaitMode mode)
    {
        var done = 0;
        foreach (var future in futures)
        {
            if (!future.IsDone)
            {
                continue;
            }

            done++;
            if (mode == WaitMode.FirstCompleted || (mode == WaitMode.FirstException && future.State == FutureState.Failed))
            {
                return true;
            }
        }

        return done == futures.Length;
    }

    private static WaitResult Split(Future[] futures)
    {
        var done = new List<Future>();
        var pending = new List<Future>();
        foreach (var future in futures)
        {
            (future.IsDone ? done : pending).Add(future);
        }

        return new WaitResult(done, pending);
    }
}
