using Coop.Tests.Support;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

public class TalkFunctionsSleepTests
{
    [Fact]
    public void AsyncSleep_Zero_YieldsExactlyOnce()
    {
        var clock = new HandSetClock(1000);
        using var g = AsyncSleep(0, clock).GetEnumerator();
        Assert.True(g.MoveNext());
        Assert.Null(g.Current);
        Assert.False(g.MoveNext());
    }

    [Fact]
    public void AsyncSleep_Negative_YieldsExactlyOnce()
    {
        using var g = AsyncSleep(-5, new HandSetClock(1000)).GetEnumerator();
        Assert.True(g.MoveNext());
        Assert.False(g.MoveNext());
    }

    [Fact]
    public void AsyncSleep_Interval_YieldsUntilTheClockPassesIt()
    {
        var clock = new HandSetClock(1000);
        using var g = AsyncSleep(2.5, clock).GetEnumerator();
        Assert.True(g.MoveNext()); // always yields at least once
        clock.Ticks = 1000;
        Assert.True(g.MoveNext()); // 1 s: still waiting
        clock.Ticks = 2499;
        Assert.True(g.MoveNext());
        clock.Ticks = 2500;
        Assert.False(g.MoveNext()); // 2.5 s: done
    }

    [Fact]
    public void AsyncSleep_Called_StartsTheClockAtTheFirstStepNotBefore()
    {
        // As in Python, calling the generator function runs nothing: the start time is read when it
        // is first stepped.
        var clock = new HandSetClock(1000);
        using var g = AsyncSleep(1, clock).GetEnumerator();
        clock.Ticks = 10_000;
        Assert.True(g.MoveNext());
        Assert.True(g.MoveNext()); // 0 s since the first step
        clock.Ticks = 11_000;
        Assert.False(g.MoveNext());
    }

    [Fact]
    public void AsyncSleep_NaN_ThrowsNamingTheArgument()
    {
        Assert.Equal("intervalSeconds", Assert.Throws<ArgumentException>(() => AsyncSleep(double.NaN)).ParamName);
    }
}
