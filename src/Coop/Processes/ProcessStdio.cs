// Where one of a child's standard streams goes (Trio's and asyncio's stdin=/stdout=/stderr=, .NET's
// Redirect* flags made one value): inherited from this process, a pipe the parent reads or writes as a
// ByteStream, /dev/null, or a file. A file is opened by the parent before the child starts, so a file
// that cannot be opened is an error naming the file, never a child that fails to start for an unclear
// reason.
using Coop.Processes;

namespace Coop;

/// <summary>Where a child process's standard input, output or error goes
/// (<see cref="ProcessOptions"/>).</summary>
public sealed class ProcessStdio
{
    private ProcessStdio(ProcessStdioKind kind, string? path = null, bool append = false)
    {
        Kind = kind;
        Path = path;
        Append = append;
    }

    /// <summary>The child uses this process's stream (the default).</summary>
    public static ProcessStdio Inherit { get; } = new(ProcessStdioKind.Inherit);

    /// <summary>A pipe: the parent writes the child's input or reads its output as a
    /// <see cref="ByteStream"/> (<see cref="ChildProcess.Stdin"/>, <see cref="ChildProcess.Stdout"/>,
    /// <see cref="ChildProcess.Stderr"/>), registered with the loop's poller.</summary>
    public static ProcessStdio Pipe { get; } = new(ProcessStdioKind.Pipe);

    /// <summary>/dev/null: input reads end of file at once, output is discarded.</summary>
    public static ProcessStdio Null { get; } = new(ProcessStdioKind.Null);

    internal ProcessStdioKind Kind { get; }

    internal string? Path { get; }

    internal bool Append { get; }

    /// <summary>A file: read as the child's input; or, for output, created (or truncated, unless
    /// <paramref name="append"/>) and written.</summary>
    /// <param name="path">The file's path, relative to this process's current directory.</param>
    /// <param name="append">For output: add to the end of an existing file instead of truncating it.</param>
    public static ProcessStdio File(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ProcessStdio(ProcessStdioKind.File, System.IO.Path.GetFullPath(path), append);
    }

    /// <inheritdoc />
    public override string ToString() => Kind == ProcessStdioKind.File ? $"File({Path}{(Append ? ", append" : "")})" : Kind.ToString();
}
