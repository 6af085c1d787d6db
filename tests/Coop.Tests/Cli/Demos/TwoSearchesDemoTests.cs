using System.Globalization;
using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class TwoSearchesDemoTests
{
    [Fact]
    public void Run_InterleavesTwoTasks_AndPrints1149851And141422324()
    {
        var (exitCode, lines) = DemoRun.Of(new TwoSearchesDemo());
        Assert.Equal(0, exitCode);

        var first = int.Parse(lines[1], CultureInfo.InvariantCulture);
        var second = int.Parse(lines[3], CultureInfo.InvariantCulture);
        var trace = lines.Where(l => l.StartsWith("Running task", StringComparison.Ordinal)).ToList();
        Assert.Equal(70, trace.Count);
        for (var i = 0; i < 58; i += 2)
        {
            Assert.Equal($"Running task {first}...Now yielded", trace[i]);
            Assert.Equal($"Running task {second}...Now yielded", trace[i + 1]);
        }

        Assert.Equal($"Running task {first}...Completed with result: 1149851", trace[58]);
        Assert.Equal($"Running task {second}...Completed with result: 141422324", trace[^1]);
        Assert.Equal(["1149851", "141422324"], new[] { lines[^3], lines[^1] });
    }
}
