// Shield (asyncio.shield): await something without letting the waiter's cancellation reach it.
// The result is a new future that mirrors the inner one; canceling it (or leaving it, when the
// waiting task is canceled) leaves the inner running. In Coop, awaiting a task or a shared future
// never cancels it anyway (docs/design.md); Shield matters for a coroutine (which would otherwise run
// inline in the waiting task and be canceled with it) and for futures made for one waiter, such as a
// Gather. For a block of code that must not be interrupted, use a shielded CancelScope instead.
namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>Runs <paramref name="coroutine"/> as its own task and returns a future mirroring it:
    /// canceling the waiter (or the returned future) does not cancel the coroutine.</summary>
    public static Future<T> Shield<T>(Coroutine<T> coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return Mirror(new Future<T>(EventLoop.Current), EventLoop.Current.CreateTask(coroutine), ownsInner: true);
    }

    /// <summary>Runs <paramref name="coroutine"/> as its own task and returns a future mirroring it.</summary>
    public static Future Shield(Coroutine coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return Mirror(new Future(EventLoop.Current), EventLoop.Current.CreateTask(coroutine), ownsInner: true);
    }

    /// <summary>Returns a future mirroring <paramref name="task"/>: canceling it leaves the task running.</summary>
    public static Future<T> Shield<T>(CoopTask<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Mirror(new Future<T>(task.Loop), task, ownsInner: false);
    }

    /// <summary>Returns a future mirroring <paramref name="future"/>: canceling it leaves the inner alone.</summary>
    public static Future Shield(Future future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return Mirror(new Future(future.Loop), future, ownsInner: false);
    }

    /// <param name="outer">The future the waiter gets.</param>
    /// <param name="inner">What is shielded.</param>
    /// <param name="ownsInner">True when Shield made <paramref name="inner"/> (a coroutine's task):
    /// nobody else can read its outcome, so after the waiter left, its error is reported here.</param>
    private static TOuter Mirror<TOuter>(TOuter outer, Future inner, bool ownsInner)
        where TOuter : Future
    {
        inner.Loop.CheckThread();
        if (inner.IsDone)
        {
            CopyOutcome(inner, outer);
        }
        else
        {
            Action<Future> mirror = f => CopyOutcome(f, outer);
            inner.AddDoneCallback(mirror);
            if (!ownsInner)
            {
                // Canceled first (its waiter left): stop mirroring, as asyncio's shield does, or a
                // long-lived inner shielded in a loop would collect one callback per wait. The
                // caller holds the inner; an error nobody reads is reported as any unread failure is.
                outer.AddDoneCallback(_ =>
                {
                    if (!inner.IsDone)
                    {
                        inner.RemoveDoneCallback(mirror);
                    }
                });
            }
        }

        return outer;
    }

    private static void CopyOutcome(Future inner, Future outer)
    {
        if (outer.IsDone)
        {
            // The waiter went away from a task only Shield holds: its error goes somewhere, at once.
            ReportLateError(inner, "A shielded coroutine failed after its waiter was canceled");
            return;
        }

        switch (inner.State)
        {
            case FutureState.Succeeded:
                outer.TrySetResultObject(inner.ResultObject);
                break;
            case FutureState.Canceled:
                outer.Cancel(inner.Exception!.Message);
                break;
            default:
                outer.TrySetException(inner.Exception!);
                break;
        }
    }
}
