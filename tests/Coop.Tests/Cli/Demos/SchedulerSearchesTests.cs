using System.Globalization;
using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class SchedulerSearchesTests
{
    [Fact]
    public void Run_TwoDigitCounts_EchoesEachAddThenPrintsEachResultInAddOrder()
    {
        var output = new StringWriter();
        var exitCode = Bounded.Run(() => SchedulerSearches.Run(output, null, 2, 1));
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(0, exitCode);
        Assert.Equal("> scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 2))", lines[0]);
        var first = int.Parse(lines[1], CultureInfo.InvariantCulture);
        Assert.Equal("> scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 1))", lines[2]);
        var second = int.Parse(lines[3], CultureInfo.InvariantCulture);
        Assert.Equal("> scheduler.RunToCompletion()", lines[4]);
        Assert.Equal(
            [$"> scheduler.CompletedTaskResults[{first}]", "11", $"> scheduler.CompletedTaskResults[{second}]", "2"],
            lines[^4..]);
    }

    [Fact]
    public void Run_NoDigitCounts_RunsAnEmptySchedulerAndPrintsNoResult()
    {
        var output = new StringWriter();
        var exitCode = Bounded.Run(() => SchedulerSearches.Run(output, null));

        Assert.Equal(0, exitCode);
        Assert.Equal("> scheduler.RunToCompletion()" + Environment.NewLine, output.ToString());
    }
}
