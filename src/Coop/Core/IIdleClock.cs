namespace Coop.Core;

/// <summary>The seam between the loop and a clock that can move time itself (the virtual clock):
/// when the loop has nothing ready, it asks the clock instead of sleeping.</summary>
internal interface IIdleClock
{
    /// <summary>The loop would sleep for <paramref name="timeout"/> (infinite if negative).</summary>
    void OnLoopIdle(EventLoop loop, TimeSpan timeout);
}
