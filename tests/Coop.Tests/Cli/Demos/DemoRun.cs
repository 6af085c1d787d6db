using Coop.Cli.Demos;
using Coop.Tests.Support;

namespace Coop.Tests.Cli.Demos;

/// <summary>Runs a demo into a StringWriter, bounded in time, and returns its exit code and lines.</summary>
internal static class DemoRun
{
    public static (int ExitCode, string[] Lines) Of(Demo demo, double seconds = 10)
    {
        var output = new StringWriter();
        var exitCode = Bounded.Run(() => demo.Run(new DemoContext(output, seconds)));
        return (exitCode, output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
