namespace Coop.Processes;

/// <summary>The kinds of <see cref="ProcessStdio"/>.</summary>
internal enum ProcessStdioKind
{
    Inherit,
    Pipe,
    Null,
    File,
}
