// Thrown by the loop (through VirtualClock) when nothing can ever happen again: nothing is ready,
// no timer is pending, and no task waits on another thread. Under the wall clock such a program
// would hang forever; under the virtual clock it fails at once, names every blocked task and where
// it waits, and shows the wait-for graph (the one debug mode's watchdog reports under the real
// clock, Diagnostics/WaitForGraph.cs): who waits for whom, the cycles, the lock owners, channels
// with no live sender. Coop.Testing reads the runtime's dump through the internals it already sees.
using System.Text;
using Coop.Diagnostics;

namespace Coop.Testing;

/// <summary>Every task is blocked and nothing can wake any of them: the program is deadlocked. The
/// message names each blocked task, what it waits on and where, and reads the wait-for graph as
/// sentences ("task 7 ('a') waits on lock 2, held by task 3 ('b'), which waits on channel 4 with no
/// live sender").</summary>
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

    /// <summary>Called on the loop's thread, while it is idle.</summary>
    internal static DeadlockException For(EventLoop loop)
    {
        if (loop.AllTasks().Any(WaitTarget.WaitsOnChannel))
        {
            // A sender dropped without Close is unreachable, but may not be collected yet: collect it,
            // so the graph says for certain whether a channel has a live sender (weak references are
            // cleared by the collection itself: no finalizer needs to run).
            GC.Collect();
        }

        var dump = TaskDump.Read(loop, consistent: true);
        var blocked = loop.AllTasks()
            .Select(t => $"{t.Describe()} waits on {t.WaitingOnDescription ?? "nothing (" + t.Status + ")"}{Where(dump, t.Id)}")
            .ToList();
        var text = new StringBuilder("Deadlock: every task is blocked, no timer is pending and no other thread can wake the loop");
        text.Append(blocked.Count == 0 ? " (no task is alive: the awaited future can never complete)." : ":");
        foreach (var line in blocked)
        {
            text.Append("\n  ").Append(line);
        }

        var graph = dump.Graph.ToText();
        if (graph.Length > 0)
        {
            text.Append("\nWait-for graph:");
            foreach (var sentence in graph.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("\n  ").Append(sentence.TrimEnd('\r'));
            }
        }

        return new DeadlockException(text.ToString()) { BlockedTasks = blocked };
    }

    /// <summary>", in M at F.cs:30": the innermost coroutine frame of the task, if known.</summary>
    private static string Where(TaskDump dump, int id) =>
        dump.Tasks.FirstOrDefault(t => t.Id == id)?.AwaitChain is [.., var innermost] ? ", in " + innermost : "";
}
