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

/// <summary>What both runs of the talk's last experiment print, whatever the timing.</summary>
internal static class BaggageExperimentAssert
{
    public static void Structure(string[] lines, string predicate)
    {
        var stamped = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.Equal($"[ 0.0s] {BaggageExperiment.Message}", stamped[0]); // printed on the first step
        Assert.Contains("[ 0.0s] Found: 2", stamped);
        Assert.Contains("[ 0.0s] Found: 3", stamped);
        Assert.All(stamped, l => Assert.Matches(@"^\[[ \d]\d\.\ds\] ", l));
        Assert.EndsWith("Stopped: the time is up.", stamped[^1], StringComparison.Ordinal);
        var found = stamped.Where(l => l.Contains("Found: ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToList();
        Assert.Equal(["2", "3", "7", "11"], found.Take(4)); // the Lucas primes, in order
        Assert.Contains(lines, l => l.StartsWith("The message was due every 2.5 s", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"At the end, {predicate} had been testing ", StringComparison.Ordinal));
    }
}
