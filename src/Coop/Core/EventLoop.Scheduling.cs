// Scheduling on the loop: callbacks now (CallSoon), later (CallLater, CallAt), and from other
// threads (CallSoonThreadsafe, the one thread-safe door). Internal callers use Schedule, which
// takes a static callback and a state and allocates nothing.
using System.Runtime.CompilerServices;

namespace Coop;

public sealed partial class EventLoop
{
    /// <summary>Runs <paramref name="callback"/> on a later iteration, after what is already ready.</summary>
    public Handle CallSoon(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CallSoon(static c => ((Action)c!)(), callback);
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) on a later iteration,
    /// after what is already ready.</summary>
    public Handle CallSoon(Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckUsable();
        var handle = new Handle(this, callback, state, Now());
        _ready.Enqueue(Handle.RunAction, handle);
        return handle;
    }

    /// <summary>Runs <paramref name="callback"/> after <paramref name="delaySeconds"/> seconds
    /// (zero if negative). Equal deadlines run in the order they were scheduled.</summary>
    public Handle CallLater(double delaySeconds, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CallLater(delaySeconds, static c => ((Action)c!)(), callback);
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) after
    /// <paramref name="delaySeconds"/> seconds (zero if negative).</summary>
    public Handle CallLater(double delaySeconds, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckUsable();
        return AddTimer(SecondsToDue(delaySeconds), callback, state);
    }

    /// <summary>Schedules <paramref name="callback"/> to run after <paramref name="delay"/> (see
    /// <see cref="CallLater(double, Action)"/>).</summary>
    public Handle CallLater(TimeSpan delay, Action callback) => CallLater(SecondsOf(delay), callback);

    /// <summary>Schedules <paramref name="callback"/>(<paramref name="state"/>) to run after
    /// <paramref name="delay"/>.</summary>
    public Handle CallLater(TimeSpan delay, Action<object?> callback, object? state) =>
        CallLater(SecondsOf(delay), callback, state);

    /// <summary>Runs <paramref name="callback"/> at loop time <paramref name="when"/> (see <see cref="Time"/>).</summary>
    public Handle CallAt(double when, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CallAt(when, static c => ((Action)c!)(), callback);
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) at loop time <paramref name="when"/>.</summary>
    public Handle CallAt(double when, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckUsable();
        return AddTimer(AbsoluteToDue(when), callback, state);
    }

    /// <summary>Runs <paramref name="callback"/> on the loop thread, from any thread, and wakes the
    /// loop if it is waiting. Throws <see cref="InvalidOperationException"/> once the loop is closed,
    /// so a callback is never dropped silently.</summary>
    public void CallSoonThreadsafe(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CallSoonThreadsafe(static c => ((Action)c!)(), callback);
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) on the loop thread, from any thread.</summary>
    public void CallSoonThreadsafe(Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (!_inbox.TryPost(callback, state))
        {
            throw new InvalidOperationException("The event loop is closed: the callback was not accepted.");
        }
    }

    /// <summary>Creates a pending future on this loop.</summary>
    public Future CreateFuture()
    {
        CheckUsable();
        return new Future(this);
    }

    /// <summary>Creates a pending future with a typed result on this loop.</summary>
    public Future<T> CreateFuture<T>()
    {
        CheckUsable();
        return new Future<T>(this);
    }

    /// <summary>A future that completes after <paramref name="delaySeconds"/> seconds without using
    /// CPU meanwhile; canceling it cancels the timer. Inside a task, a delay of zero or less is a
    /// plain yield (as asyncio's <c>sleep(0)</c>): no timer, and the task that awaits it goes to the
    /// back of the ready queue, exactly as <see cref="Coroutine.Yield"/> does. Outside a task (a
    /// callback, or before the loop runs) it is a timer due now, so running the loop until it is
    /// done still runs the loop once.</summary>
    internal Future Sleep(double delaySeconds)
    {
        CheckUsable();
        if (delaySeconds <= 0 && SteppingTask != null)
        {
            return _yieldFuture ??= new YieldFuture(this); // Core/YieldFuture.cs
        }

        var sleep = new TimerFuture(this); // its own timer: no Handle (Futures/TimerFuture.cs)
        var due = SecondsToDue(delaySeconds);
        _timers.Add(sleep, Chooser is { } chooser ? chooser.ChooseDue(Now(), due, sleep) : due); // timing fuzz (Coop.Testing)
        return sleep;
    }

    private YieldFuture? _yieldFuture;

    internal void Schedule(Action<object?> callback, object? state) => _ready.Enqueue(callback, state);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ScheduleStep(CoopTask task) => _ready.EnqueueStep(task);

    internal Handle AddTimer(long due, Action<object?> callback, object? state)
    {
        due = Chooser is { } chooser ? chooser.ChooseDue(Now(), due, state) : due; // timing fuzz (Coop.Testing)
        var handle = new Handle(this, callback, state, due);
        _timers.Add(handle);
        return handle;
    }

    private void CheckUsable([CallerMemberName] string operation = "")
    {
        CheckNotClosed(operation);
        CheckThread(operation);
    }
}
