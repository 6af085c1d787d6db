// Thrown by the loop (through VirtualClock) when nothing can ever happen again: nothing is ready,
// no timer is pending, and no task waits on another thread. Under the wall clock such a program
// would hang forever; under the virtual clock it fails at once and names every blocked task.
using System.Text;

namespace Coop.Testing;

/// <summary>Every task is blocked and nothing can wake any of them: the program is deadlocked.</summary>
public sealed class DeadlockException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public DeadlockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the default message.</summary>
    public DeadlockException()
        : base("Deadlock: every task is blocked and nothing can wake them.")
    {
    }

    /// <summary>The tasks that were blocked, as "Task 3 ('worker') waits on Future".</summary>
    public IReadOnlyList<string> BlockedTasks { get; private init; } = [];

    internal static DeadlockException For(EventLoop loop)
    {
        var blocked = loop.AllTasks()
            .Select(t => $"{t.Describe()} waits on {t.WaitingOnDescription ?? "nothing (" + t.Status + ")"}")
            .ToList();
        var text = new StringBuilder("Deadlock: every task is blocked, no timer is pending and no other thread can wake the loop");
        text.Append(blocked.Count == 0 ? " (no task is alive: the awaited future can never complete)." : ":");
        foreach (var line in blocked)
        {
            text.Append("\n  ").Append(line);
        }

        return new DeadlockException(text.ToString()) { BlockedTasks = blocked };
    }
}
