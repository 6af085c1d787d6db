// A TextWriter onto a Spectre console for output written while a live display (a spinner) is shown:
// Spectre draws each line above the spinner, but only whole lines, so this writer hands it lines.
// What is left without a newline is written at Dispose.
using System.Text;
using Spectre.Console;

namespace Coop.Cli;

/// <summary>Writes to <paramref name="console"/> one whole line at a time, as plain text.</summary>
internal sealed class LineWriter(IAnsiConsole console) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            Flush();
            return;
        }

        if (value != '\r')
        {
            _line.Append(value);
        }
    }

    public override void Flush()
    {
        console.WriteLine(_line.ToString());
        _line.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _line.Length > 0)
        {
            Flush();
        }

        base.Dispose(disposing);
    }
}
