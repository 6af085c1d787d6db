using Coop.Tests.Support;

namespace Coop.Tests.Futures;

/// <summary>Futures/TimerFuture.cs: the future behind a sleep, which is its own timer.</summary>
public class TimerFutureTests
{
    [Fact]
    public void ToString_ASleep_SaysSleep()
    {
        // What a task dump or a wait-for graph shows a task waiting on.
        using var loop = new EventLoop(new VirtualClock());
        var sleep = loop.Sleep(1);
        Assert.Equal("Sleep Pending", sleep.ToString());
        sleep.Cancel();
        Assert.Equal("Sleep Canceled", sleep.ToString());
    }

    [Fact]
    public void SetException_ASleepNobodyReads_ReportedAsNeverRetrieved()
    {
        // A sleep is a Future like any other: failed from outside and never read, it is reported.
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        var sleep = loop.Sleep(3600);
        sleep.SetException(new FormatException("nobody reads me"));
        loop.Close();
        var error = Assert.Single(errors);
        Assert.Same(sleep, error.Future);
        Assert.IsType<FormatException>(error.Exception);
    }
}
