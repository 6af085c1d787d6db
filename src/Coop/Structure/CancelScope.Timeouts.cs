// Trio's move_on_after / fail_after family, and asyncio's timeout(): a cancel scope with a deadline
// around a body, made and run in one call. Deadlines given in seconds are taken when the returned
// coroutine starts (coroutines start cold, so that is when it is awaited). Fail-after turns the
// scope's own caught cancellation into System.TimeoutException; anything else passes through.
namespace Coop;

public sealed partial class CancelScope
{
    /// <summary>Runs <paramref name="body"/> for at most <paramref name="seconds"/> seconds: if the
    /// deadline passes, the body is canceled and the block is left silently (Trio's
    /// <c>move_on_after</c>). Returns the scope: <see cref="CanceledCaught"/> says whether it moved on.
    /// The deadline is taken when the returned coroutine starts.</summary>
    public static Coroutine<CancelScope> MoveOnAfter(double seconds, Func<CancelScope, Coroutine> body)
    {
        CheckSeconds(seconds);
        ArgumentNullException.ThrowIfNull(body);
        return MoveOnAfterCore(seconds, body);
    }

    /// <summary>Runs <paramref name="body"/> for at most <paramref name="timeout"/> (see
    /// <see cref="MoveOnAfter(double, Func{CancelScope, Coroutine})"/>).</summary>
    public static Coroutine<CancelScope> MoveOnAfter(TimeSpan timeout, Func<CancelScope, Coroutine> body) =>
        MoveOnAfter(EventLoop.SecondsOf(timeout), body);

    /// <summary>Like <see cref="MoveOnAfter(double, Func{CancelScope, Coroutine})"/>, with an absolute deadline in loop time.</summary>
    public static Coroutine<CancelScope> MoveOnAt(double deadline, Func<CancelScope, Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var scope = new CancelScope { Deadline = deadline };
        return MoveOnCore(scope, body);
    }

    /// <summary>Runs <paramref name="body"/>; if it is still running after <paramref name="seconds"/>
    /// seconds, cancels it and raises <see cref="TimeoutException"/> (Trio's <c>fail_after</c>,
    /// asyncio's <c>timeout</c>). The deadline is taken when the returned coroutine starts.</summary>
    public static Coroutine FailAfter(double seconds, Func<CancelScope, Coroutine> body)
    {
        CheckSeconds(seconds);
        ArgumentNullException.ThrowIfNull(body);
        return FailAfterCore(seconds, body);
    }

    /// <summary>Runs <paramref name="body"/>; raises <see cref="TimeoutException"/> if it is still running
    /// after <paramref name="timeout"/> (see <see cref="FailAfter(double, Func{CancelScope, Coroutine})"/>).</summary>
    public static Coroutine FailAfter(TimeSpan timeout, Func<CancelScope, Coroutine> body) =>
        FailAfter(EventLoop.SecondsOf(timeout), body);

    /// <summary>Runs <paramref name="body"/> and returns its result; raises <see cref="TimeoutException"/>
    /// if it is still running after <paramref name="seconds"/> seconds (it is canceled first).</summary>
    public static Coroutine<T> FailAfter<T>(double seconds, Func<CancelScope, Coroutine<T>> body)
    {
        CheckSeconds(seconds);
        ArgumentNullException.ThrowIfNull(body);
        return FailAfterCore(seconds, body);
    }

    /// <summary>Runs <paramref name="body"/> and returns its result; raises <see cref="TimeoutException"/>
    /// if it is still running after <paramref name="timeout"/>.</summary>
    public static Coroutine<T> FailAfter<T>(TimeSpan timeout, Func<CancelScope, Coroutine<T>> body) =>
        FailAfter(EventLoop.SecondsOf(timeout), body);

    /// <summary>Like <see cref="FailAfter(double, Func{CancelScope, Coroutine})"/>, with an absolute deadline in loop time.</summary>
    public static Coroutine FailAt(double deadline, Func<CancelScope, Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return FailCore(new CancelScope { Deadline = deadline }, body);
    }

    /// <summary>Like <see cref="FailAfter{T}(double, Func{CancelScope, Coroutine{T}})"/>, with an absolute deadline in loop time.</summary>
    public static Coroutine<T> FailAt<T>(double deadline, Func<CancelScope, Coroutine<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return FailCore(new CancelScope { Deadline = deadline }, body);
    }

    /// <summary>Runs <paramref name="body"/> in a shielded scope: cancellations from outside wait
    /// until it ends (for cleanup that must finish, in a finally block).</summary>
    public static Coroutine Shielded(Func<CancelScope, Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new CancelScope { Shield = true }.RunAsync(body);
    }

    private static void CheckSeconds(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            throw new ArgumentException("The timeout is NaN: give a number of seconds (PositiveInfinity for none).", nameof(seconds));
        }
    }

    private static async Coroutine<CancelScope> MoveOnAfterCore(double seconds, Func<CancelScope, Coroutine> body)
    {
        var scope = new CancelScope { Deadline = EventLoop.Current.Time() + seconds };
        await scope.RunAsync(body);
        return scope;
    }

    private static async Coroutine<CancelScope> MoveOnCore(CancelScope scope, Func<CancelScope, Coroutine> body)
    {
        await scope.RunAsync(body);
        return scope;
    }

    private static Coroutine FailAfterCore(double seconds, Func<CancelScope, Coroutine> body) =>
        FailCore(new CancelScope(), body, seconds);

    private static Coroutine<T> FailAfterCore<T>(double seconds, Func<CancelScope, Coroutine<T>> body) =>
        FailCore(new CancelScope(), body, seconds);

    private static async Coroutine FailCore(CancelScope scope, Func<CancelScope, Coroutine> body, double seconds = double.NaN)
    {
        if (!double.IsNaN(seconds))
        {
            scope.Deadline = EventLoop.Current.Time() + seconds;
        }

        await scope.RunAsync(body);
        if (scope.CanceledCaught)
        {
            throw scope.NewTimeoutException();
        }
    }

    private static async Coroutine<T> FailCore<T>(CancelScope scope, Func<CancelScope, Coroutine<T>> body, double seconds = double.NaN)
    {
        if (!double.IsNaN(seconds))
        {
            scope.Deadline = EventLoop.Current.Time() + seconds;
        }

        var result = await scope.Run(body);
        return scope.CanceledCaught ? throw scope.NewTimeoutException() : result!;
    }

    private TimeoutException NewTimeoutException() =>
        new(_status.Reason == DeadlineMessage
            ? "The operation did not finish before its deadline; it was canceled."
            : "The operation was canceled by its fail-after scope before it finished.");
}
