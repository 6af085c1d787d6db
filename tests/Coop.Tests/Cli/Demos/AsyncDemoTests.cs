using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class AsyncDemoTests
{
    [Fact]
    public void Run_ShortRun_MessageFirstThenPrimesThenTheStopLine()
    {
        var output = new StringWriter();
        var exitCode = Bounded.Run(() => new AsyncDemo().Run(new DemoContext(output, 0.2)));
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exitCode);
        Assert.Equal(SleepDemo.Message, lines[0]);
        Assert.Equal("Found: 2", lines[1]); // the primes task's first step finds 2 at once
        Assert.StartsWith("Stopped after", lines[^1], StringComparison.Ordinal);
    }
}
