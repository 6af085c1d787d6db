// The virtual clock (Trio's MockClock with autojump; STYLE 15): a TimeProvider whose time moves only
// when told to. Give it to a loop (new EventLoop(clock)) and, whenever every task waits on a timer,
// the loop jumps time straight to the next deadline instead of sleeping, so a program that sleeps for
// hours runs in milliseconds and the same program gives the same result every time.
// It talks to the loop through IIdleClock (EventLoop.WaitForWork calls OnLoopIdle). Timers made with
// CreateTimer (for components that take a TimeProvider) live here, in VirtualTimer, and fire when
// virtual time reaches them.
// Corner cases (docs/testing.md):
//  - nothing ready, no deadline, no foreign wait: nothing can ever happen, so the loop throws
//    DeadlockException naming every blocked task instead of hanging;
//  - a task awaits a BCL Task (foreign): another thread may still wake the loop, so the clock waits
//    for real on the inbox, and time runs at wall speed until that foreign work is done;
//  - a task waits on a socket of the loop's epoll (EventLoop.IoWaits): the clock polls once without
//    waiting and jumps if nothing is ready, or waits in the poller when no deadline is left.
// Not loop code: TimeProvider is read from any thread, so the clock's state is guarded by a lock.
using Coop.Core;

namespace Coop.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only by <see cref="Advance"/>/<see cref="AdvanceTo"/>
/// or, with <see cref="AutoJump"/> (the default), by jumping to the next deadline whenever the loop
/// that reads it has nothing to run. Tests on it sleep for hours in milliseconds and never depend on
/// the wall clock.
/// </summary>
public sealed class VirtualClock : TimeProvider, IIdleClock
{
    private readonly object _gate = new();
    private readonly DateTimeOffset _epoch;
    private readonly List<VirtualTimer> _timers = new(); // sorted by (due, sequence)
    private long _now;
    private long _sequence;
    private EventLoop? _idleLoop;

    /// <summary>A clock at zero whose wall time starts at <paramref name="start"/>
    /// (2000-01-01 UTC if null, so runs do not depend on today's date).</summary>
    public VirtualClock(DateTimeOffset? start = null)
    {
        _epoch = start ?? new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>When true (the default), a loop with nothing ready jumps time to its next deadline.
    /// When false, time moves only by <see cref="Advance"/>, and an idle loop waits for real.</summary>
    public bool AutoJump { get; set; } = true;

    /// <summary>Virtual time elapsed since the clock was made.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now));

    /// <summary>How many times the clock jumped on its own because the loop was idle.</summary>
    public int Jumps { get; private set; }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _now);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _epoch + Elapsed;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Moves time forward by <paramref name="delta"/> and fires the clock's own timers that
    /// fall due. Loop timers that fell due run on the loop's next iteration.</summary>
    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Time only moves forward: give a delta of zero or more.");
        }

        AdvanceTo(Elapsed + delta);
    }

    /// <summary>Moves time forward to <paramref name="elapsed"/> since the clock was made (no-op if
    /// that is not later than now) and fires the clock's timers due by then, earliest first.</summary>
    public void AdvanceTo(TimeSpan elapsed)
    {
        MoveTo(elapsed.Ticks);
        var loop = _idleLoop;
        if (loop != null && !loop.IsOnLoopThread && !loop.IsClosed)
        {
            // Advanced by hand from another thread: wake the loop so it sees the new time.
            loop.TryPostFromAnyThread(static _ => { }, null);
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    void IIdleClock.OnLoopIdle(EventLoop loop, long? nextDue)
    {
        _idleLoop = loop;
        var clockDue = NextTimerDue();
        if (!AutoJump)
        {
            loop.WaitForPosts(Timeout.InfiniteTimeSpan);
            return;
        }

        if (clockDue is { } due && (nextDue is not { } loopDue || due <= loopDue))
        {
            // The clock's own timer is next: it may be exactly what a foreign wait waits for
            // (Task.Delay(t, clock)), so fire it now.
            Jump(due);
            return;
        }

        if (loop.ForeignWaits > 0 || loop.HasPosts)
        {
            // Another thread may still post: let time run at wall speed until it does.
            var wait = nextDue is { } d ? TimeSpan.FromTicks(Math.Max(0, d - GetTimestamp())) : Timeout.InfiniteTimeSpan;
            loop.WaitForPosts(wait);
            if (!loop.HasPosts && nextDue is { } reached)
            {
                Jump(reached); // waited the whole gap for real: the deadline came first
            }

            return;
        }

        if (loop.IoWaits > 0)
        {
            // Tasks wait on sockets the loop's own poller watches: the kernel answers those at once
            // (loopback) or from outside. Look once without waiting and jump if nothing came (Trio's
            // autojump); with no deadline to jump to, wait in the poller for real: never a deadlock.
            if (nextDue == null)
            {
                loop.WaitForPosts(Timeout.InfiniteTimeSpan); // woken by an event (maybe one nobody waits for): the loop looks again
                return;
            }

            loop.WaitForPosts(TimeSpan.Zero);
            if (loop.HasPosts)
            {
                return;
            }
        }

        if (nextDue is { } next)
        {
            Jump(next);
            return;
        }

        throw DeadlockException.For(loop);
    }

    internal void Schedule(VirtualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            timer.Sequence = _sequence++;
            var at = _timers.FindIndex(t => t.Due > timer.Due);
            _timers.Insert(at < 0 ? _timers.Count : at, timer);
        }
    }

    internal void Unschedule(VirtualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private long? NextTimerDue()
    {
        lock (_gate)
        {
            return _timers.Count == 0 ? null : _timers[0].Due;
        }
    }

    private void Jump(long due)
    {
        Jumps++;
        MoveTo(due);
    }

    private void MoveTo(long ticks)
    {
        // Step through the clock's timers on the way, so each fires seeing its own due time.
        while (TakeDueTimer(ticks) is { } timer)
        {
            timer.Fire(); // outside the lock: a callback may reschedule timers or read the clock
        }

        SetNow(ticks);
    }

    private void SetNow(long ticks)
    {
        lock (_gate)
        {
            if (ticks > _now)
            {
                Volatile.Write(ref _now, ticks);
            }
        }
    }

    private VirtualTimer? TakeDueTimer(long until)
    {
        lock (_gate)
        {
            if (_timers.Count == 0 || _timers[0].Due > until)
            {
                return null;
            }

            var timer = _timers[0];
            _timers.RemoveAt(0);
            if (timer.Due > _now)
            {
                Volatile.Write(ref _now, timer.Due);
            }

            return timer;
        }
    }
}
