// What `coop` returns to the shell, in one place so that the help text, the README and the tests
// name the same numbers. 2 for usage errors follows the shells' own builtins and BSD's sysexits
// habit of telling "you called it wrong" apart from "it ran and failed".
namespace Coop.Cli;

/// <summary>The process exit codes of <c>coop</c>.</summary>
internal static class ExitCode
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A demo ran and what it checks came out wrong (an item lost, a race not found), or it
    /// failed with an exception.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: an unknown verb, demo or option, or a bad value.</summary>
    public const int Usage = 2;

    /// <summary>The section every command's help ends with.</summary>
    public const string Help = """
        Exit codes:
          0  success
          1  a demo failed: what it checks came out wrong, or it threw
          2  usage error: an unknown command, demo or option, or a bad value
        """;
}
