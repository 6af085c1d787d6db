// What a child that ran to its end left: how it ended and, when the caller asked, what it wrote
// (Python's CompletedProcess). EnsureSuccess turns a failure into the exception ChildProcess.Run
// raises with check on, as HttpResponseMessage.EnsureSuccessStatusCode does for a response.
using System.Runtime.InteropServices;
using System.Text;

namespace Coop;

/// <summary>How a child process ended, and what it wrote if that was captured
/// (<see cref="ChildProcess.Run(string, IEnumerable{string}?, ReadOnlyMemory{byte}?, bool, bool, bool, ProcessOptions?)"/>).</summary>
public sealed class ProcessResult
{
    /// <summary>Creates a result (Coop makes them; tests and fakes may too).</summary>
    /// <param name="command">The program and its arguments, for messages.</param>
    /// <param name="exitCode">The exit code; 128 plus the signal's number for a child ended by a signal.</param>
    /// <param name="signal">The signal that ended the child, or null.</param>
    /// <param name="stdout">Captured standard output, or null.</param>
    /// <param name="stderr">Captured standard error, or null.</param>
    public ProcessResult(string command, int exitCode, PosixSignal? signal = null, byte[]? stdout = null, byte[]? stderr = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        Command = command;
        ExitCode = exitCode;
        Signal = signal;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The program and its arguments, for messages.</summary>
    public string Command { get; }

    /// <summary>The exit code; for a child ended by a signal, 128 plus the signal's number (137 for
    /// SIGKILL), as shells and .NET's <c>Process.ExitCode</c> report it.</summary>
    public int ExitCode { get; }

    /// <summary>The signal that ended the child, or null if it exited by itself. A signal without a
    /// <see cref="PosixSignal"/> member is its number cast to the enum: <c>(PosixSignal)9</c> is SIGKILL.
    /// Null also when the loop cannot know (the portable fallback, see docs/io.md).</summary>
    public PosixSignal? Signal { get; }

    /// <summary>What the child wrote to its standard output, if captured; else null.</summary>
    public byte[]? Stdout { get; }

    /// <summary>What the child wrote to its standard error, if captured; else null.</summary>
    public byte[]? Stderr { get; }

    /// <summary><see cref="Stdout"/> decoded as UTF-8 ("" if not captured).</summary>
    public string StdoutText => Stdout == null ? "" : Encoding.UTF8.GetString(Stdout);

    /// <summary><see cref="Stderr"/> decoded as UTF-8 ("" if not captured).</summary>
    public string StderrText => Stderr == null ? "" : Encoding.UTF8.GetString(Stderr);

    /// <summary>True if the child exited with code 0.</summary>
    public bool Succeeded => ExitCode == 0 && Signal == null;

    /// <summary>Returns this result if the child exited with code 0, else throws
    /// <see cref="ProcessFailedException"/> carrying it.</summary>
    public ProcessResult EnsureSuccess() => Succeeded ? this : throw new ProcessFailedException(this);

    /// <inheritdoc />
    public override string ToString() => $"'{Command}' {Describe()}";

    /// <summary>"exited with code 3", "was ended by SIGKILL (exit code 137)".</summary>
    internal string Describe() => Signal is { } signal
        ? $"was ended by {Processes.SignalNumbers.Name(signal)} (exit code {ExitCode})"
        : $"exited with code {ExitCode}";
}
