using Coop.Cli;

namespace Coop.Tests.Cli;

public class LineWriterTests
{
    [Fact]
    public void Write_PiecesOfLines_ReachTheConsoleAsWholeLinesAndTheRestAtDispose()
    {
        var output = new StringWriter();
        var console = Terminal.Plain(output);
        using (var lines = new LineWriter(console))
        {
            lines.Write("[ 0.0s] ");
            lines.Write("Unattended");
            Assert.Equal("", output.ToString());
            lines.Write(" baggage\r\nsecond");
            Assert.Equal("[ 0.0s] Unattended baggage" + Environment.NewLine, output.ToString());
        }

        Assert.Equal("[ 0.0s] Unattended baggage" + Environment.NewLine + "second" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Write_MarkupCharacters_AreWrittenAsText()
    {
        var output = new StringWriter();
        using (var lines = new LineWriter(Terminal.Plain(output)))
        {
            lines.WriteLine("[bold]not markup[/] [2, 1, 3]");
        }

        Assert.Equal("[bold]not markup[/] [2, 1, 3]" + Environment.NewLine, output.ToString());
    }
}
