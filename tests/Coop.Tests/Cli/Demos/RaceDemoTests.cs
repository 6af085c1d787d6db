using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class RaceDemoTests
{
    [Fact]
    public void Run_FindsTheRace_ReplaysIt_AndTheFixPasses()
    {
        var output = new StringWriter();
        var demo = DemoCatalog.Find("race");
        Assert.NotNull(demo);
        var code = Bounded.Run(() => demo.Run(new DemoContext(output, 1)));
        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("Overdrawn: the balance is -60", text, StringComparison.Ordinal);
        Assert.Contains("ran task 'B' before task 'A'", text, StringComparison.Ordinal);
        Assert.Contains("Same schedule, same failure", text, StringComparison.Ordinal);
        Assert.Contains("All 100 schedules passed", text, StringComparison.Ordinal);
    }
}
