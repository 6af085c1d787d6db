// WaitFor (asyncio.wait_for): await something with a timeout; on timeout the inner is canceled and
// TimeoutException is raised. A thin use of CancelScope.FailAfter. A coroutine runs inline, in the
// awaiting task and inside the fail-after scope, so the timeout cancels it directly (level-triggered,
// its finally blocks run) and nothing is allocated beyond the scope. A future or task is awaited in
// the scope; on timeout it is canceled explicitly (awaiting a task does not own it, docs/design.md)
// and waited for, shielded, before TimeoutException is raised, as asyncio does. If the waiting task
// itself is canceled, the inner is canceled too (asyncio) but not waited for.
namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task; if it has not finished after
    /// <paramref name="seconds"/>, cancels it and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<T> WaitFor<T>(Coroutine<T> coroutine, double seconds)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return CancelScope.FailAfter(seconds, _ => coroutine);
    }

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task; if it has not finished after
    /// <paramref name="seconds"/>, cancels it and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine WaitFor(Coroutine coroutine, double seconds)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return CancelScope.FailAfter(seconds, _ => coroutine);
    }

    /// <summary>Awaits <paramref name="task"/>; if it is not done after <paramref name="seconds"/>,
    /// cancels it, waits for it to end, and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<T> WaitFor<T>(CoopTask<T> task, double seconds)
    {
        ArgumentNullException.ThrowIfNull(task);
        CheckTimeout(seconds);
        return WaitForTyped<T>(task, seconds);
    }

    /// <summary>Awaits <paramref name="future"/>; if it is not done after <paramref name="seconds"/>,
    /// cancels it and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<T> WaitFor<T>(Future<T> future, double seconds)
    {
        ArgumentNullException.ThrowIfNull(future);
        CheckTimeout(seconds);
        return WaitForTyped<T>(future, seconds);
    }

    /// <summary>Awaits a future or task of any type; if it is not done after <paramref name="seconds"/>,
    /// cancels it, waits for it to end, and raises <see cref="TimeoutException"/>. The result is
    /// returned as an object.</summary>
    public static Coroutine<object?> WaitFor(Future future, double seconds)
    {
        ArgumentNullException.ThrowIfNull(future);
        CheckTimeout(seconds);
        return WaitForFuture(future, seconds);
    }

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task; if it has not finished after
    /// <paramref name="timeout"/>, cancels it and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<T> WaitFor<T>(Coroutine<T> coroutine, TimeSpan timeout) =>
        WaitFor(coroutine, EventLoop.SecondsOf(timeout));

    /// <summary>Runs <paramref name="coroutine"/> in the awaiting task; if it has not finished after
    /// <paramref name="timeout"/>, cancels it and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine WaitFor(Coroutine coroutine, TimeSpan timeout) =>
        WaitFor(coroutine, EventLoop.SecondsOf(timeout));

    /// <summary>Awaits <paramref name="task"/>; if it is not done after <paramref name="timeout"/>,
    /// cancels it, waits for it to end, and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<T> WaitFor<T>(CoopTask<T> task, TimeSpan timeout) =>
        WaitFor(task, EventLoop.SecondsOf(timeout));

    /// <summary>Awaits <paramref name="future"/>; if it is not done after <paramref name="timeout"/>,
    /// cancels it and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<T> WaitFor<T>(Future<T> future, TimeSpan timeout) =>
        WaitFor(future, EventLoop.SecondsOf(timeout));

    /// <summary>Awaits a future or task of any type; if it is not done after <paramref name="timeout"/>,
    /// cancels it, waits for it to end, and raises <see cref="TimeoutException"/>.</summary>
    public static Coroutine<object?> WaitFor(Future future, TimeSpan timeout) =>
        WaitFor(future, EventLoop.SecondsOf(timeout));

    private static void CheckTimeout(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            throw new ArgumentException("The timeout is NaN: give seconds, or PositiveInfinity for none.", nameof(seconds));
        }
    }

    private static async Coroutine<T> WaitForTyped<T>(Future future, double seconds) =>
        (T)(await WaitFor(future, seconds))!;

    private static async Coroutine<object?> WaitForFuture(Future future, double seconds)
    {
        try
        {
            await CancelScope.FailAfter(seconds, async _ => await future);
            return future.Result;
        }
        catch (TimeoutException timeout)
        {
            future.Cancel("WaitFor timed out.");
            await CancelScope.Shielded(async _ => await WhenDone(future));
            if (future.State == FutureState.Failed)
            {
                // It failed while being canceled: keep that error, it says more than the timeout.
                throw new TimeoutException(timeout.Message, future.Exception);
            }

            throw;
        }
        catch (CanceledException) when (!future.IsDone)
        {
            future.Cancel("The task waiting on it with WaitFor was canceled.");
            throw;
        }
    }

    /// <summary>Waits until <paramref name="future"/> is done, whatever its outcome, without raising it.</summary>
    private static async Coroutine WhenDone(Future future)
    {
        while (!future.IsDone)
        {
            try
            {
                await future;
            }
            catch (Exception) when (future.IsDone)
            {
                // Its outcome is the caller's to read.
            }
        }
    }
}
