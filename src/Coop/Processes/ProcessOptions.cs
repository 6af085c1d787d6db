// How to start a child process: its standard streams, working directory and environment, and how long
// a cancellation waits after SIGTERM before it sends SIGKILL. One object rather than a parameter per
// option (as EventLoopOptions is for the loop), so Start and both Run forms take the same options.
namespace Coop;

/// <summary>Options for <see cref="ChildProcess.Start"/> and <see cref="ChildProcess.Run(string, IEnumerable{string}?, ReadOnlyMemory{byte}?, bool, bool, bool, ProcessOptions?)"/>.</summary>
public sealed class ProcessOptions
{
    private readonly TimeSpan _terminateGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>The child's standard input; <see cref="ProcessStdio.Inherit"/> by default.</summary>
    public ProcessStdio Stdin { get; init; } = ProcessStdio.Inherit;

    /// <summary>The child's standard output; <see cref="ProcessStdio.Inherit"/> by default.</summary>
    public ProcessStdio Stdout { get; init; } = ProcessStdio.Inherit;

    /// <summary>The child's standard error; <see cref="ProcessStdio.Inherit"/> by default.</summary>
    public ProcessStdio Stderr { get; init; } = ProcessStdio.Inherit;

    /// <summary>The child's working directory; this process's current directory if null. A relative
    /// program path (one with a '/') is found from this directory, as POSIX shells and Python do.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Changes to the child's environment: a value sets the variable, null removes it. The
    /// rest is inherited from this process, unless <see cref="InheritEnvironment"/> is false.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>True (the default) to start from this process's environment; false to give the child
    /// only the variables set in <see cref="Environment"/>.</summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>How long a child that is being ended because its caller was canceled gets between
    /// SIGTERM and SIGKILL (5 seconds by default, as Trio's <c>run_process</c>). Zero sends SIGKILL at
    /// once.</summary>
    public TimeSpan TerminateGracePeriod
    {
        get => _terminateGracePeriod;
        init
        {
            if (value < TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The grace period must be zero or more, and finite: a cancellation must end the child.");
            }

            _terminateGracePeriod = value;
        }
    }

    internal static ProcessOptions Default { get; } = new();
}
