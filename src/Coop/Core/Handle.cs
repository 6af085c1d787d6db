// A scheduled callback: what CallLater/CallAt return (asyncio's TimerHandle) and what the timer heap
// orders. Cancelling only marks it; the heap drops cancelled entries lazily (TimerQueue).
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
    public bool IsCancelled { get; private set; }

    /// <summary>The loop time (see <see cref="EventLoop.Time"/>) at which a timer is due;
    /// for a handle from CallSoon, the time it was scheduled.</summary>
    public double When => _loop?.TicksToSeconds(Due) ?? 0;

    internal long Due { get; }

    /// <summary>What the callback is called with (schedule traces name a sleep by its task).</summary>
    internal object? State => _state;

    internal static Action<object?> RunAction { get; } = static h => ((Handle)h!).Run();

    /// <summary>Prevents the callback from running. Cancelling twice, or after it ran, does nothing.</summary>
    public void Cancel()
    {
        if (IsCancelled)
        {
            return;
        }

        _loop?.CheckThread();
        IsCancelled = true;
        _loop?.OnTimerCancelled();
    }

    internal void Run()
    {
        if (!IsCancelled)
        {
            _callback(_state);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Handle({_callback.Method.Name}{(IsCancelled ? ", cancelled" : "")})";
}
