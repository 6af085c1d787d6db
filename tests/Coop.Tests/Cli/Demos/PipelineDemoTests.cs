using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

public class PipelineDemoTests
{
    [Fact]
    public void Pipeline_DeadlineCancelsEverything_NoItemLostOrDuplicated()
    {
        var report = Bounded.Run(() => EventLoop.Run(PipelineDemo.Pipeline(0.05)));
        Assert.True(report.Put > 0);
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(report.Put, report.Processed + report.Interrupted + report.Left);
    }

    [Fact]
    public void Run_PrintsTheAccount()
    {
        var output = new StringWriter();
        var code = Bounded.Run(() => new PipelineDemo().Run(new DemoContext(output, 0.05)));
        Assert.Equal(0, code);
        Assert.Contains("none lost, none duplicated", output.ToString(), StringComparison.Ordinal);
    }
}
