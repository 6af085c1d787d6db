using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class SearchDemoTests
{
    [Fact]
    public void Run_Prints103682()
    {
        var (exitCode, lines) = DemoRun.Of(new SearchDemo());
        Assert.Equal(0, exitCode);
        Assert.Equal(["> Search(Lucas(), x => x.ToString().Length >= 6)", "103682"], lines);
    }
}
