// A child that ran to its end and failed (Python's CalledProcessError): ChildProcess.Run raises it
// when check is on, with the exit code and what the child wrote to standard error, so the message says
// why without the caller having to print anything.
using System.Runtime.InteropServices;

namespace Coop;

/// <summary>A child process exited with a non-zero code, or was ended by a signal
/// (<see cref="ChildProcess.Run(string, IEnumerable{string}?, ReadOnlyMemory{byte}?, bool, bool, bool, ProcessOptions?)"/>
/// with <c>check</c>, <see cref="ProcessResult.EnsureSuccess"/>).</summary>
public sealed class ProcessFailedException : Exception
{
    private const int StderrInMessage = 2000;

    /// <summary>Creates the exception for a failed run.</summary>
    /// <param name="result">How the child ended and what it wrote.</param>
    public ProcessFailedException(ProcessResult result)
        : base(MessageFor(result))
    {
        Result = result;
    }

    /// <summary>How the child ended, and its captured output and error (null where not captured).</summary>
    public ProcessResult Result { get; }

    /// <summary>The exit code (128 plus the signal's number for a child ended by a signal).</summary>
    public int ExitCode => Result.ExitCode;

    /// <summary>The signal that ended the child, or null.</summary>
    public PosixSignal? Signal => Result.Signal;

    /// <summary>What the child wrote to standard error, if it was captured; else null.</summary>
    public byte[]? Stderr => Result.Stderr;

    private static string MessageFor(ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = $"'{result.Command}' {result.Describe()}.";
        if (result.Stderr is not { Length: > 0 })
        {
            return message;
        }

        var stderr = result.StderrText.TrimEnd();
        if (stderr.Length > StderrInMessage)
        {
            stderr = "..." + stderr[^StderrInMessage..];
        }

        return $"{message} Its standard error:{System.Environment.NewLine}{stderr}";
    }
}
