using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class AsyncSearchDemoTests
{
    [Fact]
    public void Run_TwoSteps_HelloWorld_ThenStepsUntil11()
    {
        var (exitCode, lines) = DemoRun.Of(new AsyncSearchDemo());
        Assert.Equal(0, exitCode);

        var hello = Array.IndexOf(lines, "hello world");
        Assert.Equal(2, lines.Take(hello).Count(l => l.EndsWith("// yielded", StringComparison.Ordinal)));
        var after = lines.Skip(hello + 1).ToList();
        Assert.Equal(3, after.Count(l => l.EndsWith("// yielded", StringComparison.Ordinal)));
        Assert.Contains("returned 11", after[^1], StringComparison.Ordinal);
        Assert.Contains("StopIteration: 11", after[^1], StringComparison.Ordinal);
    }
}
