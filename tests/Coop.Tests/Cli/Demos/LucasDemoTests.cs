using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class LucasDemoTests
{
    [Fact]
    public void Run_PrintsTheFirstTenLucasNumbersAsTheNotebook()
    {
        var (exitCode, lines) = DemoRun.Of(new LucasDemo());
        Assert.Equal(0, exitCode);
        Assert.Equal(["> Lucas().Take(10)", "[2, 1, 3, 4, 7, 11, 18, 29, 47, 76]"], lines);
    }
}
