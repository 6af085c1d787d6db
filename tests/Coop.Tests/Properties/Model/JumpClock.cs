// A test-only clock for loop properties: time stands still while the loop has work, and when the
// loop would wait it jumps straight to the next deadline (through the loop's IIdleClock seam), so
// timer properties never sleep and never depend on the wall clock. One tick is one millisecond, so
// the loop's wait (rounded up to whole milliseconds) is exactly the distance to the next deadline.
// A loop with nothing left to do (an infinite wait) ends the run with LoopIdleForeverException:
// everything still pending is blocked for good, which the properties compare with their models.
using Coop.Core;

namespace Coop.Tests.Properties.Model;

/// <summary>Thrown by <see cref="JumpClock"/> when the loop would wait forever: the run is over.</summary>
public sealed class LoopIdleForeverException() : Exception("The loop has nothing ready, no timer and no post: it would wait forever.");

public sealed class JumpClock : TimeProvider, IIdleClock
{
    public long Now { get; private set; }

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Now;

    public void OnLoopIdle(EventLoop loop, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            throw new LoopIdleForeverException();
        }

        Now += (long)timeout.TotalMilliseconds;
    }

    /// <summary>Runs <paramref name="loop"/> until it has nothing left to do.</summary>
    public static void RunUntilIdle(EventLoop loop)
    {
        try
        {
            loop.RunForever();
        }
        catch (LoopIdleForeverException)
        {
        }
    }
}
