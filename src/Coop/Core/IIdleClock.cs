// The seam between the loop and a clock that moves time itself (VirtualClock): when nothing is
// ready, EventLoop.WaitForWork hands the idle moment to the clock instead of sleeping on the inbox.
namespace Coop.Core;

/// <summary>A clock that the loop asks what to do when it would otherwise sleep.</summary>
internal interface IIdleClock
{
    /// <summary>The loop has nothing ready; its earliest timer is due at timestamp
    /// <paramref name="nextDue"/> (null when it has no timer). The clock jumps, waits, or throws
    /// when nothing can ever happen.</summary>
    void OnLoopIdle(EventLoop loop, long? nextDue);
}
