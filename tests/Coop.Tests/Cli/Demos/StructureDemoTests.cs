using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class StructureDemoTests
{
    [Fact]
    public void Run_ShowsCanceledSiblingsTheGroupErrorMoveOnAndGather()
    {
        var (exitCode, lines) = DemoRun.Of(new StructureDemo());
        Assert.Equal(0, exitCode);

        Assert.Contains("  steady: canceled", lines);
        Assert.Contains("  patient: canceled", lines);
        Assert.Contains("  TaskGroupException: the failing child gave up", lines);
        Assert.True(Array.IndexOf(lines, "  failing: raises") < Array.IndexOf(lines, "  steady: canceled"));
        Assert.Contains("  slow: canceled", lines);
        Assert.Contains("  moved on: True", lines);
        Assert.Contains("  [9, 1, 4] (argument order)", lines);
    }
}
