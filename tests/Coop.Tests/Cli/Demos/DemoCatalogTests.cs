using Coop.Cli;
using Coop.Cli.Demos;

namespace Coop.Tests.Cli.Demos;

public class DemoCatalogTests
{
    private static readonly string[] TalkDemos =
        ["lucas", "search", "async-search", "scheduler", "two-searches", "blocking", "cooperative"];

    [Fact]
    public void All_TheTalksDemos_AreThereInReadingOrder()
    {
        var names = DemoCatalog.All.Select(d => d.Name).ToList();
        var positions = TalkDemos.Select(n => names.IndexOf(n)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void All_Names_AreUniqueLowercaseWords()
    {
        var names = DemoCatalog.All.Select(d => d.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, n => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", n));
    }

    [Fact]
    public void Find_IgnoresCase_AndUnknownIsNull()
    {
        Assert.Equal("two-searches", DemoCatalog.Find("Two-Searches")?.Name);
        Assert.Null(DemoCatalog.Find("no-such-demo"));
    }

    [Fact]
    public void WriteList_ListsEveryDemoOnOneLineWithItsSummary()
    {
        var output = new StringWriter();
        DemoCatalog.WriteList(Terminal.Plain(output));
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("coop demo NAME", lines[0], StringComparison.Ordinal);
        Assert.Equal(DemoCatalog.All.Count, lines.Length - 1);
        foreach (var (demo, line) in DemoCatalog.All.Zip(lines.Skip(1)))
        {
            Assert.StartsWith("  " + demo.Name + " ", line, StringComparison.Ordinal);
            Assert.EndsWith(demo.Summary, line, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', demo.Summary);
        }
    }

    [Fact]
    public void ProgressText_DemosThatRunForSeconds_SayForHowLong()
    {
        foreach (var name in new[] { "blocking", "cooperative", "async" })
        {
            Assert.Contains("running for 3 s", DemoCatalog.Find(name)!.ProgressText(3), StringComparison.Ordinal);
        }

        Assert.Contains("2 s deadline", DemoCatalog.Find("pipeline")!.ProgressText(10), StringComparison.Ordinal);
        Assert.Null(DemoCatalog.Find("lucas")!.ProgressText(10));
    }
}
