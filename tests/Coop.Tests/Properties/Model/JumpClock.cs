// A test-only clock for loop properties: time stands still while the loop has work, and when the
// loop would wait it jumps straight to the next deadline (through the loop's IIdleClock seam), so
// timer properties never sleep and never depend on the wall clock. One tick is one millisecond, so
// the models can count time in whole milliseconds. (Coop's VirtualClock does the same jump; this one
// is simpler and ends a run quietly, which is what the models expect.)
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

    public void OnLoopIdle(EventLoop loop, long? nextDue)
    {
        if (nextDue is not { } due)
        {
            throw new LoopIdleForeverException();
        }

        Now = Math.Max(Now, due);
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
