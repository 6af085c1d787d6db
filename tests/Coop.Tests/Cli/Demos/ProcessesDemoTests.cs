using Coop.Cli.Demos;
using Coop.Tests.Processes;

namespace Coop.Tests.Cli.Demos;

[Collection(ProcessSerial.Name)] // it starts children: not while the process tests count them
public class ProcessesDemoTests
{
    [Fact]
    public void Run_StreamsEveryChildsLinesKillsTheSlowOneAndReportsTheFailure()
    {
        var (exitCode, lines) = DemoRun.Of(new ProcessesDemo());
        Assert.Equal(0, exitCode);

        string[] expected = ["ant: line 1", "ant: line 4", "bee: line 3", "cat: line 2", "ant: exited with code 0", "cat: exited with code 0", "slow: started"];
        Assert.All(expected, text => Assert.Contains(lines, line => line.EndsWith(text, StringComparison.Ordinal)));
        Assert.Contains(lines, line => line.Contains("deadline passed: True; the child was ended and reaped (run returned: False)", StringComparison.Ordinal));
        Assert.Contains("  ProcessFailedException: exit code 3, stderr \"no such file: data.csv\"", lines);

        // Streamed as it arrives: the children's lines interleave rather than come one child after another.
        var first = Array.FindIndex(lines, l => l.EndsWith("bee: line 1", StringComparison.Ordinal));
        var lastAnt = Array.FindIndex(lines, l => l.EndsWith("ant: line 4", StringComparison.Ordinal));
        Assert.True(first < lastAnt, string.Join("\n", lines));
    }
}
