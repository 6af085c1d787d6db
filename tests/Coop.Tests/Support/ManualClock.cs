namespace Coop.Tests.Support;

/// <summary>A clock the test moves by hand (thread-safe), in ticks of one microsecond. Unlike a
/// virtual clock it does not jump when the loop idles: the loop really waits (on the inbox) for the
/// computed time, so a test can watch an idle loop sleep and wake it with a post.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(double seconds) => Interlocked.Add(ref _ticks, (long)(seconds * 1_000_000));
}
