namespace Coop.Processes;

/// <summary>The parent's ends of a new child's pipes (-1 where that stream is not a pipe).</summary>
internal readonly record struct ChildStdio(int Stdin, int Stdout, int Stderr);
