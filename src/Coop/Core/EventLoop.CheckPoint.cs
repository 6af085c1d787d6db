// The check point inside a pass: every CheckPointInterval steps, the pass looks at what may have
// come due while it ran (Tokio's scheduler polls its timer and I/O drivers every `event_interval`
// ticks for the same reason). RunOnce looks at timers once per iteration, and one pass over 100,000
// ready tasks takes ~10 ms, so without this a timer would fire a pass late and the task it wakes
// would run at the end of the next one: 50-100 ms late under load.
//
// What comes due here runs at once, and what it makes ready runs next, ahead of the rest of the pass:
// a timer is on time even while many tasks are ready. The ready entries keep their order among
// themselves (FIFO), and everything still runs once per pass. Timers due when an iteration starts
// are unchanged: RunOnce moves them to the back of the ready queue, asyncio's order.
//
// Deterministic runs are untouched: a virtual clock stands still while there is work, so nothing
// comes due mid-pass, and the seeded schedules and reference models see the loop they saw before.
//
// This is also the place for a non-blocking I/O poll (the poller's), so that sockets made ready
// during a long pass are served as promptly as timers.
using System.Runtime.CompilerServices;

namespace Coop;

public sealed partial class EventLoop
{
    /// <summary>Steps of a pass between two check points (when the count of steps left in the pass
    /// is a multiple of it: no counter of its own on the hot path; a power of two): often enough that
    /// a due timer waits a few microseconds of steps at most, rarely enough that the clock read costs
    /// well under a nanosecond per step.</summary>
    internal const int CheckPointInterval = 64;

    [MethodImpl(MethodImplOptions.NoInlining)] // the hot loop keeps only the countdown
    private void CheckPoint()
    {
        if (_timers.Count == 0)
        {
            return;
        }

        var now = Now();
        if (_timers.NextDue() is { } due && due <= now)
        {
            RunTimersDueDuringPass(now);
        }
    }

    /// <summary>Runs the timers due at <paramref name="now"/> right away, in (deadline, scheduling)
    /// order, then puts what they made ready (the task a sleep wakes, a callback) at the front of the
    /// pass, in the order they made it ready.</summary>
    private void RunTimersDueDuringPass(long now)
    {
        var before = _ready.Count;
        _timers.MoveDue(now, _ready);
        var due = _ready.Count - before;
        _ready.MoveBackToFront(due);
        for (var i = 0; i < due; i++)
        {
            var timer = _ready.Dequeue(); // a Handle or a sleep's completion: never a task step
            RunCallback(timer);
        }

        var woken = _ready.Count - before;
        _ready.MoveBackToFront(woken);
        _passLeft += woken;
    }
}
