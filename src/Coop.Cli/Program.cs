// `coop`: the command line of Coop. `coop demo` lists the demos; `coop demo NAME` runs one.
// System.CommandLine parses and writes the help (`--help` on every command); Terminal (Spectre.Console)
// adds colour and progress where standard output or error is a terminal. Exit codes: ExitCode.cs.
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using Coop.Cli;
using Coop.Cli.Demos;
using Spectre.Console;

var terminal = Terminal.FromProcess();

var nameArgument = new Argument<string?>("name")
{
    Description = "The demo to run; leave it out to list them.",
    Arity = ArgumentArity.ZeroOrOne,
};
var secondsOption = new Option<double>("--seconds")
{
    Description = "Stop an endless demo after this many seconds.",
    DefaultValueFactory = _ => 10,
};
var timelineOption = new Option<FileInfo?>("--timeline")
{
    Description = "Draw the run's timeline (one lane per task) to this SVG file.",
    HelpName = "out.svg",
};
var traceOption = new Option<FileInfo?>("--trace")
{
    Description = "Write the run's loop events to this Chrome trace (JSON) file, for Perfetto.",
    HelpName = "out.json",
};
var demoCommand = new Command("demo", "List the demos, or run one: coop demo NAME.");
demoCommand.Arguments.Add(nameArgument);
demoCommand.Options.Add(secondsOption);
demoCommand.Options.Add(timelineOption);
demoCommand.Options.Add(traceOption);
demoCommand.SetAction(parsed =>
{
    var name = parsed.GetValue(nameArgument);
    var seconds = parsed.GetValue(secondsOption);
    if (seconds <= 0 || double.IsNaN(seconds))
    {
        terminal.Error.MarkupLine($"[red]--seconds must be a positive number of seconds, not {seconds}.[/]");
        return ExitCode.Usage;
    }

    if (string.IsNullOrEmpty(name))
    {
        DemoCatalog.WriteList(terminal.Out);
        return ExitCode.Success;
    }

    var demo = DemoCatalog.Find(name);
    if (demo == null)
    {
        terminal.Error.MarkupLine($"[red]There is no demo called '{Markup.Escape(name)}'.[/]");
        DemoCatalog.WriteList(terminal.Error);
        return ExitCode.Usage;
    }

    var svgFile = parsed.GetValue(timelineOption);
    var traceFile = parsed.GetValue(traceOption);
    DemoTimeline? timeline = null;
    if (svgFile != null || traceFile != null)
    {
        if (!demo.RecordsTimeline)
        {
            var which = string.Join(", ", DemoCatalog.All.Where(d => d.RecordsTimeline).Select(d => d.Name));
            terminal.Error.MarkupLine($"[red]The demo '{Markup.Escape(demo.Name)}' records no timeline; these do: {Markup.Escape(which)}.[/]");
            return ExitCode.Usage;
        }

        timeline = new DemoTimeline(svgFile?.FullName, traceFile?.FullName);
    }

    var exitCode = demo.ProgressText(seconds) is { } text
        ? terminal.WithProgress(text, output => demo.Run(new DemoContext(output, seconds, timeline)))
        : demo.Run(new DemoContext(Console.Out, seconds, timeline));
    if (timeline != null)
    {
        var title = demo.ProgressText(seconds) != null
            ? string.Create(CultureInfo.InvariantCulture, $"coop demo {demo.Name} --seconds {seconds}")
            : $"coop demo {demo.Name}";
        foreach (var line in timeline.Write(title))
        {
            terminal.Error.MarkupLine(Markup.Escape(line));
        }
    }

    return exitCode;
});

var root = new RootCommand("Coop: cooperative coroutines and an asyncio-grade event loop for .NET.");
root.Subcommands.Add(demoCommand);
foreach (var help in root.Options.OfType<HelpOption>())
{
    help.Action = new HelpWithExitCodes((HelpAction)help.Action!); // --help on every command ends with them
}

var parseResult = root.Parse(args);
if (parseResult.Action is ParseErrorAction parseError)
{
    // System.CommandLine reports the errors (and suggests the verb meant); a usage error exits 2,
    // with a pointer to the help rather than the whole of it.
    parseError.ShowHelp = false;
    parseResult.Invoke(new InvocationConfiguration { Output = Console.Error }); // the suggestions too: stdout stays clean
    terminal.Error.MarkupLine("Run [bold]coop --help[/] (or [bold]coop demo --help[/]) for usage.");
    return ExitCode.Usage;
}

return parseResult.Invoke();
