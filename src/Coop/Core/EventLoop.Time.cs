// The loop's time: seconds for users (asyncio's loop.time()), TimeProvider timestamp ticks inside.
// Conversions clamp instead of overflowing: negative delays count as zero, huge ones saturate.
namespace Coop;

public sealed partial class EventLoop
{
    internal long Now() => _time.GetTimestamp();

    /// <summary>A duration given as a TimeSpan in the seconds every overload takes:
    /// <see cref="Timeout.InfiniteTimeSpan"/> is no limit; other negative spans count as zero.</summary>
    internal static double SecondsOf(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan ? double.PositiveInfinity : duration.TotalSeconds;

    internal double TicksToSeconds(long ticks) => ticks / _ticksPerSecond;

    internal long SecondsToDue(double delaySeconds)
    {
        if (double.IsNaN(delaySeconds))
        {
            throw new ArgumentException("The delay is NaN: give a number of seconds.", nameof(delaySeconds));
        }

        var now = Now();
        if (delaySeconds <= 0)
        {
            return now; // negative delays count as zero, as in asyncio
        }

        var ticks = delaySeconds * _ticksPerSecond;
        // Very large delays saturate instead of overflowing into the past.
        return ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    internal long AbsoluteToDue(double when)
    {
        if (double.IsNaN(when))
        {
            throw new ArgumentException("The time is NaN: give a loop time in seconds.", nameof(when));
        }

        var ticks = when * _ticksPerSecond;
        return ticks >= long.MaxValue ? long.MaxValue : ticks <= long.MinValue ? long.MinValue : (long)ticks;
    }
}
