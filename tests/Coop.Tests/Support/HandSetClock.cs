namespace Coop.Tests.Support;

/// <summary>A clock that reads exactly the timestamp the test last set, at the frequency it chose:
/// for code that reads a TimeProvider directly, without a loop (the talk's busy-wait sleep, the
/// demos' stamped writer), so boundaries can be hit to the tick. Single-threaded; ManualClock is the
/// thread-safe one a running loop waits on.</summary>
public sealed class HandSetClock(long timestampFrequency) : TimeProvider
{
    public long Ticks { get; set; }

    /// <summary>The timestamp in seconds; setting it rounds to the nearest tick.</summary>
    public double Seconds
    {
        get => (double)Ticks / timestampFrequency;
        set => Ticks = (long)Math.Round(value * timestampFrequency);
    }

    public override long TimestampFrequency => timestampFrequency;

    public override long GetTimestamp() => Ticks;
}
