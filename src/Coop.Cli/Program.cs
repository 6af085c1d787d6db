// `coop`: the command line of Coop. `coop demo` lists the demos; `coop demo NAME` runs one.
using System.CommandLine;
using Coop.Cli.Demos;

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
var demoCommand = new Command("demo", "List the demos, or run one: coop demo NAME");
demoCommand.Arguments.Add(nameArgument);
demoCommand.Options.Add(secondsOption);
demoCommand.SetAction(parsed =>
{
    var name = parsed.GetValue(nameArgument);
    var seconds = parsed.GetValue(secondsOption);
    if (seconds <= 0 || double.IsNaN(seconds))
    {
        Console.Error.WriteLine($"--seconds must be a positive number of seconds, not {seconds}.");
        return 2;
    }

    if (string.IsNullOrEmpty(name))
    {
        DemoCatalog.WriteList(Console.Out);
        return 0;
    }

    var demo = DemoCatalog.Find(name);
    if (demo == null)
    {
        Console.Error.WriteLine($"There is no demo called '{name}'.");
        DemoCatalog.WriteList(Console.Error);
        return 2;
    }

    return demo.Run(new DemoContext(Console.Out, seconds));
});

var root = new RootCommand("Coop: cooperative coroutines and an asyncio-grade event loop for .NET.");
root.Subcommands.Add(demoCommand);
return root.Parse(args).Invoke();
