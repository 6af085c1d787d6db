namespace Coop.Tests.Time;

public class VirtualTimerTests
{
    [Fact]
    public void Periodic_AdvanceFiveSeconds_FiresFiveTimes()
    {
        var clock = new VirtualClock();
        var ticks = new List<TimeSpan>();
        using var timer = clock.CreateTimer(_ => ticks.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(5.5));
        Assert.Equal(Enumerable.Range(1, 5).Select(s => TimeSpan.FromSeconds(s)), ticks);
    }

    [Fact]
    public void OneShot_BeforeDue_DoesNotFire_AtDue_FiresOnce()
    {
        var clock = new VirtualClock();
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, fired);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Dispose_BeforeDue_NeverFires_AndChangeReturnsFalse()
    {
        var clock = new VirtualClock();
        var fired = 0;
        var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, fired);
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Change_ToInfinite_StopsIt()
    {
        var clock = new VirtualClock();
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, fired);
    }

    [Fact]
    public void Change_NegativeDueTime_ThrowsNamingTheArgument()
    {
        var clock = new VirtualClock();
        using var timer = clock.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => timer.Change(TimeSpan.FromSeconds(-2), Timeout.InfiniteTimeSpan));
        Assert.Equal("dueTime", error.ParamName);
    }

    [Fact]
    public void EqualDueTimes_FireInCreationOrder()
    {
        var clock = new VirtualClock();
        var order = new List<int>();
        var timers = Enumerable.Range(0, 5)
            .Select(i => clock.CreateTimer(_ => order.Add(i), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan))
            .ToList();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([0, 1, 2, 3, 4], order);
        timers.ForEach(t => t.Dispose());
    }
}
