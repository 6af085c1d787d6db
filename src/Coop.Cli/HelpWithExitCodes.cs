// System.CommandLine's help, followed by the exit codes (ExitCode.cs): the way System.CommandLine 2
// lets a program add a section to the help is to wrap its HelpAction.
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Coop.Cli;

/// <summary>Writes the standard help, then the exit codes.</summary>
internal sealed class HelpWithExitCodes(HelpAction standard) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var result = standard.Invoke(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(ExitCode.Help);
        return result;
    }
}
