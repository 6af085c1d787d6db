using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class CooperativeDemoTests
{
    [Fact]
    public void Run_ShortDeadline_PrintsStampedMessageAndPrimesThenStopsAndExplains()
    {
        var (exitCode, lines) = DemoRun.Of(new CooperativeDemo(), seconds: 0.3);
        Assert.Equal(0, exitCode);
        BaggageExperimentAssert.Structure(lines, "AsyncIsPrime");
        Assert.Contains(lines, l => l.Contains("AsyncPrintMatches(output, Lucas(), AsyncIsPrime)", StringComparison.Ordinal));
        Assert.True(
            lines[^1].StartsWith("The message kept its rhythm", StringComparison.Ordinal)
            || lines[^1].StartsWith("The message fell behind", StringComparison.Ordinal),
            lines[^1]);
    }
}
