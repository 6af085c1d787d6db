// Every live task of a loop at one moment: what asyncio's `python -m asyncio ps/pstree` and a JVM
// thread dump give. A dump is taken on the loop thread between steps (from a task, a callback, or
// after the loop stopped), so it reads a consistent loop; taken from another thread while the loop is
// stalled inside a step (the debug-mode watchdog, the signal handler), it reads a loop that is not
// moving, which is the case it is for.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Coop.Diagnostics;

namespace Coop;

/// <summary>A snapshot of every live task of an <see cref="EventLoop"/>: ids, names, states, what
/// each waits on, their await chains with source lines, who started whom (tasks, task groups and
/// cancel scopes, in debug mode), and the wait-for graph. <see cref="ToText"/> is for people, <see cref="ToJson"/> for tools.</summary>
public sealed class TaskDump
{
    private readonly TaskTree? _tree;

    private TaskDump(IReadOnlyList<TaskSnapshot> tasks, bool consistent, TaskTree? tree)
    {
        Tasks = tasks;
        IsConsistent = consistent;
        Graph = new WaitForGraph(tasks);
        _tree = tree;
    }

    /// <summary>The live tasks, in creation order.</summary>
    public IReadOnlyList<TaskSnapshot> Tasks { get; }

    /// <summary>Who waits for whom, with the cycles (deadlocks).</summary>
    public WaitForGraph Graph { get; }

    /// <summary>False when the dump was read from another thread while the loop ran (a stalled
    /// loop's dump): a task may have moved while it was read.</summary>
    public bool IsConsistent { get; }

    /// <summary>Takes a dump of <paramref name="loop"/>'s live tasks. Call it on the loop's thread
    /// (from a task or a callback) or while the loop is not running.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the loop runs:
    /// post the call with <see cref="EventLoop.CallSoonThreadsafe(Action)"/>.</exception>
    public static TaskDump Capture(EventLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        loop.CheckThread(nameof(TaskDump) + "." + nameof(Capture));
        return Read(loop, consistent: true);
    }

    /// <summary>Writes a dump of <paramref name="loop"/> to <paramref name="output"/> each time the
    /// process gets SIGQUIT (<c>kill -QUIT pid</c>, Ctrl+\ in a terminal; Ctrl+Break on Windows),
    /// until the result is disposed; the signal no longer ends the process meanwhile. If the loop is
    /// stuck inside a step, the dump is read from the signal's thread and says it may be inconsistent.
    /// Debug mode does this for every loop, to standard error.</summary>
    /// <param name="loop">The loop to dump.</param>
    /// <param name="output">Where to write the dump (standard error, a log file).</param>
    /// <returns>Dispose it to stop listening.</returns>
    public static IDisposable WriteOnSignal(EventLoop loop, TextWriter output) => TaskDumpSignal.Register(loop, output);

    /// <summary>Reads the dump from any thread: for a loop that does not answer (stalled).</summary>
    internal static TaskDump Read(EventLoop loop, bool consistent)
    {
        var snapshots = new List<TaskSnapshot>();
        var tasks = loop.AllTasks();
        foreach (var task in tasks)
        {
            try
            {
                var (waitingOn, blocker) = WaitTarget.Of(task);
                snapshots.Add(new TaskSnapshot(task.Id, task.Name, task.Status, waitingOn, blocker?.Id, LoopDebugger.ParentOf(task), AwaitChain.Of(task)));
            }
            catch (Exception ex) when (!consistent && ex is InvalidOperationException or NullReferenceException or InvalidCastException or ArgumentException)
            {
                // Read from another thread, the task moved under the reader: say so rather than fail.
                snapshots.Add(new TaskSnapshot(task.Id, task.Name, task.Status, "(it moved while the dump was read)", null, null, []));
            }
        }

        TaskTree? tree;
        try
        {
            tree = TaskTree.Of(tasks, snapshots);
        }
        catch (Exception ex) when (!consistent && ex is InvalidOperationException or NullReferenceException or InvalidCastException or ArgumentException or KeyNotFoundException)
        {
            tree = null; // the loop moved under the reader: no tree rather than a wrong one
        }

        return new TaskDump(snapshots, consistent, tree);
    }

    /// <summary>The dump as text: one block per task (its await chain indented, outermost first),
    /// the task tree when it is known, and the wait-for graph.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Tasks.Count} live task{(Tasks.Count == 1 ? "" : "s")}");
        text.AppendLine(IsConsistent ? ":" : " (read while the loop was busy: it may be inconsistent):");
        foreach (var task in Tasks)
        {
            text.Append(CultureInfo.InvariantCulture, $"{task} {task.Status}");
            if (task.WaitingOn != null)
            {
                text.Append(" on ").Append(task.WaitingOn);
            }

            text.AppendLine();
            foreach (var frame in task.AwaitChain)
            {
                text.Append("    ").AppendLine(frame.ToString());
            }
        }

        _tree?.Write(text);

        var graph = Graph.ToText();
        if (graph.Length > 0)
        {
            text.AppendLine("Wait-for graph:");
            foreach (var line in graph.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("  ").AppendLine(line.TrimEnd('\r'));
            }
        }

        return text.ToString();
    }

    /// <summary>The dump as JSON: <c>{"consistent":true,"tasks":[{"id":..,"name":..,"status":..,
    /// "waitingOn":..,"waitsForTask":..,"parent":..,"awaitChain":[{"method":..,"file":..,"line":..}]}],
    /// "cycles":[[7,3]],"tree":[{"kind":"task","id":1,"text":..,"children":[{"kind":"group",..}]}]}</c>;
    /// <c>tree</c> (tasks, task groups and cancel scopes, who started whom) is null unless the loop is
    /// in debug mode.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteBoolean("consistent", IsConsistent);
            json.WriteStartArray("tasks");
            foreach (var task in Tasks)
            {
                json.WriteStartObject();
                json.WriteNumber("id", task.Id);
                json.WriteString("name", task.Name);
                json.WriteString("status", task.Status.ToString());
                WriteOptional(json, "waitingOn", task.WaitingOn);
                WriteOptional(json, "waitsForTask", task.WaitsForTaskId);
                WriteOptional(json, "parent", task.ParentId);
                json.WriteStartArray("awaitChain");
                foreach (var frame in task.AwaitChain)
                {
                    json.WriteStartObject();
                    json.WriteString("method", frame.Method);
                    WriteOptional(json, "file", frame.File);
                    WriteOptional(json, "line", frame.Line == 0 ? null : frame.Line);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("cycles");
            foreach (var cycle in Graph.Cycles)
            {
                json.WriteStartArray();
                foreach (var id in cycle)
                {
                    json.WriteNumberValue(id);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            if (_tree == null)
            {
                json.WriteNull("tree");
            }
            else
            {
                json.WriteStartArray("tree");
                foreach (var root in _tree.Roots)
                {
                    WriteNode(json, root);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNode(Utf8JsonWriter json, TaskTreeNode node)
    {
        json.WriteStartObject();
        json.WriteString("kind", node.Kind);
        json.WriteNumber("id", node.Id);
        json.WriteString("text", node.Text);
        json.WriteStartArray("children");
        foreach (var child in node.Children)
        {
            WriteNode(json, child);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value == null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
