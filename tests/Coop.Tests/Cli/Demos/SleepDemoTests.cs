using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class SleepDemoTests
{
    [Fact]
    public void Run_ShortRun_PrintsTheMessageThenTheCpuTime()
    {
        var (exitCode, lines) = DemoRun.Of(new SleepDemo(), seconds: 0.2);
        Assert.Equal(0, exitCode);
        Assert.EndsWith("] " + SleepDemo.Message, lines[0], StringComparison.Ordinal); // printed before the first sleep
        Assert.StartsWith("CPU time used: ", lines[^1], StringComparison.Ordinal);
        Assert.All(lines[..^1], l => Assert.EndsWith(SleepDemo.Message, l, StringComparison.Ordinal));
    }

    [Fact]
    public void RepetitiveMessage_WaitsOnATimerNotByStepping()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var task = loop.CreateTask(SleepDemo.RepetitiveMessage(output, "tick", 2.5));
        Iterations.RunUntilIdle(loop);
        Assert.Equal(CoopTaskStatus.Waiting, task.Status); // parked on its timer, not Ready
        clock.Advance(2.5);
        Iterations.RunUntilIdle(loop);
        Assert.Equal("tick\ntick\n", output.ToString().Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal(CoopTaskStatus.Waiting, task.Status); // parked again on its next timer
        task.Cancel();
    }
}
