using Coop.Tests.Support;

namespace Coop.Tests.Core;

public class EventLoopOptionsTests
{
    [Fact]
    public void Constructor_WithOptions_UsesTheirClockLoggerAndPoller()
    {
        var clock = new VirtualClock();
        var logger = new ListLogger();
        using var loop = new EventLoop(new EventLoopOptions { TimeProvider = clock, Logger = logger, Poller = PollerKind.Portable });
        Assert.Same(clock, loop.TimeProvider);
        Assert.Equal(PollerKind.Portable, loop.PollerKind);
        loop.CallExceptionHandler(new LoopError("reported", null, null, null));
        Assert.Contains(logger.Entries, e => e.Message.Contains("reported", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_Defaults_SystemClockAutomaticPoller()
    {
        using var loop = new EventLoop(new EventLoopOptions());
        Assert.Same(TimeProvider.System, loop.TimeProvider);
        Assert.Equal(PollerKind.Automatic, loop.PollerKind);
        using var old = new EventLoop(); // the constructor without options still works
        Assert.Equal(PollerKind.Automatic, old.PollerKind);
    }

    [Fact]
    public void Constructor_UnknownPollerKind_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EventLoop(new EventLoopOptions { Poller = (PollerKind)42 }));
        Assert.Contains("PollerKind", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new EventLoop((EventLoopOptions)null!));
    }

    [Fact]
    public void Run_WithOptions_RunsMainOnALoopBuiltFromThem()
    {
        var clock = new VirtualClock();
        var (result, elapsed) = Bounded.Run(() =>
        {
            var value = EventLoop.Run(Main(), new EventLoopOptions { TimeProvider = clock });
            return (value, clock.Elapsed);
        });
        Assert.Equal(7, result);
        Assert.Equal(TimeSpan.FromHours(1), elapsed); // slept an hour of virtual time

        static async Coroutine<int> Main()
        {
            await Coroutine.Sleep(3600);
            return 7;
        }
    }
}
