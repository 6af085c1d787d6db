using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class AsyncDemoTests
{
    [Fact]
    public void Run_ShortRun_MessageFirstThenPrimesThenTheStopLine()
    {
        var (exitCode, lines) = DemoRun.Of(new AsyncDemo(), seconds: 0.2);
        Assert.Equal(0, exitCode);
        Assert.EndsWith("] " + SleepDemo.Message, lines[0], StringComparison.Ordinal);
        Assert.EndsWith("] Found: 2", lines[1], StringComparison.Ordinal); // the primes task's first step finds 2 at once
        Assert.StartsWith("Stopped after", lines[^1], StringComparison.Ordinal);
    }
}
