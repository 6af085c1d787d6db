// Where `coop` writes for people rather than for pipes: colour and progress through Spectre.Console,
// only when the stream is a terminal, and never when NO_COLOR is set (no-color.org). Demos write
// plain text to standard output, so their output reads the same in a terminal, a file or a test; the
// progress display never goes to a pipe or a file.
using Spectre.Console;

namespace Coop.Cli;

/// <summary>The console as <c>coop</c> uses it: standard output and standard error, each coloured
/// only on a terminal.</summary>
internal sealed class Terminal
{
    private readonly bool _outputIsInteractive;
    private readonly bool _errorIsInteractive;

    private Terminal(IAnsiConsole output, IAnsiConsole error, bool outputIsInteractive, bool errorIsInteractive)
    {
        Out = output;
        Error = error;
        _outputIsInteractive = outputIsInteractive;
        _errorIsInteractive = errorIsInteractive;
    }

    /// <summary>Standard output, for what the user asked for.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Standard error, for errors, hints and progress.</summary>
    public IAnsiConsole Error { get; }

    /// <summary>The process's own console, detected: colour and progress on a terminal only.</summary>
    public static Terminal FromProcess()
    {
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new Terminal(
            Create(Console.Out, Console.IsOutputRedirected, noColor),
            Create(Console.Error, Console.IsErrorRedirected, noColor),
            !Console.IsOutputRedirected,
            !Console.IsErrorRedirected);
    }

    /// <summary>A console over <paramref name="writer"/> that renders as a pipe does: no colour, no
    /// progress, no wrapping (for tests, and for the process's redirected streams).</summary>
    public static IAnsiConsole Plain(TextWriter writer) => Create(writer, redirected: true, noColor: true);

    /// <summary>Runs <paramref name="work"/>, which writes its output to the writer it is given, with
    /// a spinner and <paramref name="activity"/> shown while it runs: on standard output when that is a
    /// terminal (the output's lines appear above the spinner), else on standard error when that is one;
    /// on neither, it just runs, writing to standard output.</summary>
    public int WithProgress(string activity, Func<TextWriter, int> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_outputIsInteractive)
        {
            return Out.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(activity), _ =>
            {
                using var lines = new LineWriter(Out);
                return work(lines);
            });
        }

        if (_errorIsInteractive)
        {
            return Error.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(activity), _ => work(Console.Out));
        }

        return work(Console.Out);
    }

    private static IAnsiConsole Create(TextWriter writer, bool redirected, bool noColor)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = int.MaxValue; // a pipe or a file gets one line per line, unwrapped
        }

        return console;
    }
}
