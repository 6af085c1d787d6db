using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class BlockingDemoTests
{
    [Fact]
    public void Run_ShortDeadline_PrintsStampedMessageAndPrimesThenStopsAndExplains()
    {
        // Structure only: how far the primes get in 0.3 s depends on the machine.
        var (exitCode, lines) = DemoRun.Of(new BlockingDemo(), seconds: 0.3);
        Assert.Equal(0, exitCode);
        BaggageExperimentAssert.Structure(lines, "IsPrime");
        Assert.Contains(lines, l => l.Contains("AsyncPrintMatches(output, Lucas(), IsPrime)", StringComparison.Ordinal));
        Assert.True(
            lines[^1].StartsWith("The message stalled", StringComparison.Ordinal)
            || lines[^1].StartsWith("The message has not stalled yet", StringComparison.Ordinal),
            lines[^1]);
    }
}
