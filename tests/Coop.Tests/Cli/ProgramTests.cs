using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli;

/// <summary>The real command line, run as a subprocess (coop.dll is copied next to the tests). Few
/// and cheap: each costs a process start.</summary>
public class ProgramTests
{
    [Fact]
    public void Demo_NoName_ListsEveryDemoAndExits0()
    {
        var (exitCode, output, _) = RunCoop("demo");
        Assert.Equal(0, exitCode);
        foreach (var demo in DemoCatalog.All)
        {
            Assert.Contains($"  {demo.Name} ", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Demo_UnknownName_Exits2WithAMessageAndTheList()
    {
        var (exitCode, output, error) = RunCoop("demo", "no-such-demo");
        Assert.Equal(2, exitCode);
        Assert.Contains("There is no demo called 'no-such-demo'", error, StringComparison.Ordinal);
        Assert.Contains("  lucas ", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public void Demo_Search_PrintsTheNotebooksResult()
    {
        var (exitCode, output, _) = RunCoop("demo", "search");
        Assert.Equal(0, exitCode);
        Assert.EndsWith("103682" + Environment.NewLine, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("demo", "--help")]
    [InlineData("demo", "lucas", "--help")]
    public void Help_OnEveryCommand_Exits0AndEndsWithTheExitCodes(params string[] args)
    {
        var (exitCode, output, error) = RunCoop(args);
        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", output, StringComparison.Ordinal);
        Assert.Contains("2  usage error", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("demoo")]
    [InlineData("demo", "--seconds", "soon")]
    [InlineData("demo", "lucas", "--no-such-option")]
    public void ParseError_Exits2WithTheErrorAndAPointerToTheHelp(params string[] args)
    {
        var (exitCode, output, error) = RunCoop(args);
        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("coop --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_NegativeSeconds_Exits2SayingWhy()
    {
        var (exitCode, _, error) = RunCoop("demo", "lucas", "--seconds", "-1");
        Assert.Equal(2, exitCode);
        Assert.Contains("--seconds must be a positive number", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_Redirected_HasNoColourOrProgressEvenOnAColourTerminalType()
    {
        var (exitCode, output, error) = RunCoop(["demo", "pipeline", "--seconds", "0.2"], ("TERM", "xterm-256color"), ("COLORTERM", "truecolor"));
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u001b', error);
        Assert.DoesNotContain("deadline", error, StringComparison.Ordinal); // no progress text on a pipe
    }

    [Fact]
    public void Demo_TimelineAndTrace_WriteThePictureAndTheChromeTrace()
    {
        var directory = Directory.CreateTempSubdirectory("coop-timeline-");
        try
        {
            var svg = Path.Combine(directory.FullName, "two.svg");
            var trace = Path.Combine(directory.FullName, "two.json");
            var (exitCode, output, error) = RunCoop("demo", "two-searches", "--timeline", svg, "--trace", trace);
            Assert.Equal(0, exitCode);
            Assert.EndsWith("141422324" + Environment.NewLine, output, StringComparison.Ordinal); // the demo's output is unchanged
            Assert.Contains($"Wrote the timeline picture to {svg}", error, StringComparison.Ordinal);
            var picture = System.Xml.Linq.XDocument.Load(svg).ToString();
            Assert.Contains("AsyncSearch(7 digits)", picture, StringComparison.Ordinal);
            Assert.Contains("AsyncSearch(9 digits)", picture, StringComparison.Ordinal);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(trace));
            Assert.Contains(json.RootElement.GetProperty("traceEvents").EnumerateArray(), e => e.GetProperty("ph").GetString() == "X");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Demo_TimelineOfADemoThatRecordsNone_Exits2NamingTheDemosThatDo()
    {
        var (exitCode, output, error) = RunCoop("demo", "lucas", "--timeline", Path.Combine(Path.GetTempPath(), "never-written.svg"));
        Assert.Equal(2, exitCode);
        Assert.Contains("The demo 'lucas' records no timeline", error, StringComparison.Ordinal);
        Assert.Contains("two-searches", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    private static (int ExitCode, string Output, string Error) RunCoop(params string[] args) => RunCoop(args, []);

    private static (int ExitCode, string Output, string Error) RunCoop(string[] args, params (string Name, string Value)[] environment) =>
        DotnetProcess.Run(Path.Combine(AppContext.BaseDirectory, "coop.dll"), args, TimeSpan.FromSeconds(20), environment);
}
