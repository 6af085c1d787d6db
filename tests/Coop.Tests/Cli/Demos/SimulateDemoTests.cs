using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class SimulateDemoTests
{
    [Fact]
    public void Run_FindsTheDoubleApply_ShrinksItToOneLostAnswer_ReplaysIt_AndTheFixPasses()
    {
        var output = new StringWriter();
        var demo = DemoCatalog.Find("simulate");
        Assert.NotNull(demo);
        var code = Bounded.Run(() => demo.Run(new DemoContext(output, 1)));
        var text = output.ToString();
        Assert.Equal(0, code);
        Assert.Contains("a retried transfer was applied twice", text, StringComparison.Ordinal);
        Assert.Contains("after \"'bank' applied transfer", text, StringComparison.Ordinal);
        Assert.Contains("Same faults, same failure", text, StringComparison.Ordinal);
        Assert.Contains("All 200 schedules passed", text, StringComparison.Ordinal);
    }
}
