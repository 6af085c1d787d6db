using System.Text.RegularExpressions;
using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class SchedulerDemoTests
{
    [Fact]
    public void Run_PrintsTheIdThe24StepTraceAndTheResult()
    {
        var (exitCode, lines) = DemoRun.Of(new SchedulerDemo());
        Assert.Equal(0, exitCode);

        // The id is process-wide: 0 when the demo runs alone in `coop`, something else in a test run.
        var id = int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture);
        var trace = lines.Where(l => l.StartsWith("Running task", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Repeat($"Running task {id}...Now yielded", 24).Append($"Running task {id}...Completed with result: 103682"), trace);
        Assert.Equal($"> scheduler.CompletedTaskResults[{id}]", lines[^2]);
        Assert.Equal("103682", lines[^1]);
        Assert.Matches(new Regex("^> scheduler.Add\\(AsyncSearch"), lines[0]);
    }
}
