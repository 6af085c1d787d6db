// A scheduled callback: what CallSoon/CallLater/CallAt return (asyncio's Handle and TimerHandle) and,
// for the timers, what the timer heap orders (a sleep needs none: the heap holds its TimerFuture).
// Canceling only marks it; the heap drops canceled entries lazily (TimerQueue).
namespace Coop;

/// <summary>A callback scheduled on an <see cref="EventLoop"/>; cancel it with <see cref="Cancel"/>.</summary>
public sealed class Handle
{
    private readonly Action<object?> _callback;
    private readonly object? _state;
    private readonly EventLoop? _loop;

    internal Handle(EventLoop? loop, Action<object?> callback, object? state, long due)
    {
        _loop = loop;
        _callback = callback;
        _state = state;
        Due = due;
    }

    /// <summary>True once <see cref="Cancel"/> was called.</summary>
    public bool IsCanceled { get; private set; }

    /// <summary>The loop time (see <see cref="EventLoop.Time"/>) at which a timer is due;
    /// for a handle from CallSoon, the time it was scheduled.</summary>
    public double When => _loop?.TicksToSeconds(Due) ?? 0;

    internal long Due { get; }

    /// <summary>True while the timer heap holds this handle: a cancellation then leaves a dead entry
    /// there, which the heap counts (a CallSoon handle, or one already due, leaves none).</summary>
    internal bool InTimerQueue { get; set; }

    internal static Action<object?> RunAction { get; } = static h => ((Handle)h!).Run();

    /// <summary>The callback the user scheduled, for error reports: the overloads that take an
    /// <see cref="Action"/> pass it as the state of a shared adapter.</summary>
    internal Delegate Target => _state as Delegate ?? _callback;

    /// <summary>Prevents the callback from running. Canceling twice, or after it ran, does nothing.</summary>
    public void Cancel()
    {
        if (IsCanceled)
        {
            return;
        }

        _loop?.CheckThread();
        IsCanceled = true;
        if (InTimerQueue)
        {
            _loop?.OnTimerCanceled();
        }
    }

    internal void Run()
    {
        if (!IsCanceled)
        {
            _callback(_state);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Handle({_callback.Method.Name}{(IsCanceled ? ", canceled" : "")})";
}
