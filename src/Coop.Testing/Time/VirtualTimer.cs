// A timer made by VirtualClock.CreateTimer (an ITimer, for components that take a TimeProvider):
// it fires when the clock's virtual time reaches its due time, on the thread that moved the clock
// (the loop thread when the loop autojumps). Periodic timers reschedule themselves after each fire.
namespace Coop.Testing;

internal sealed class VirtualTimer : ITimer
{
    private readonly VirtualClock _clock;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private long _period; // ticks; 0 = one-shot
    private bool _disposed;

    internal VirtualTimer(VirtualClock clock, TimerCallback callback, object? state)
    {
        _clock = clock;
        _callback = callback;
        _state = state;
    }

    internal long Due { get; private set; }

    internal long Sequence { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "Give a due time of zero or more, or Timeout.InfiniteTimeSpan.");
        }

        if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "Give a period of zero or more, or Timeout.InfiniteTimeSpan.");
        }

        if (_disposed)
        {
            return false;
        }

        _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            _clock.Unschedule(this);
            return true;
        }

        Due = _clock.GetTimestamp() + dueTime.Ticks;
        _clock.Schedule(this);
        return true;
    }

    internal void Fire()
    {
        if (_disposed)
        {
            return;
        }

        if (_period > 0)
        {
            Due += _period;
            _clock.Schedule(this);
        }

        _callback(_state);
    }

    public void Dispose()
    {
        _disposed = true;
        _clock.Unschedule(this);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
