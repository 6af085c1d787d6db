// The wait-for graph of a task dump: an edge from each waiting task to the task that must move first
// (the task it awaits, the holder of the lock it wants). A task waits on one thing at a time, so each
// task has at most one edge out, and a chain read from any task either ends (at a task that runs,
// sleeps or waits on something no task holds) or comes back: a cycle, which nothing inside the loop
// can break (Trio's issue #182 asks for this report; no anchor runtime gives it).
using System.Text;

namespace Coop;

/// <summary>Who waits for whom among a loop's tasks, read from a <see cref="TaskDump"/>.</summary>
public sealed class WaitForGraph
{
    private readonly Dictionary<int, TaskSnapshot> _tasks;

    internal WaitForGraph(IReadOnlyList<TaskSnapshot> tasks)
    {
        _tasks = tasks.ToDictionary(t => t.Id);
        Cycles = FindCycles();
    }

    /// <summary>Each cycle of tasks waiting for one another, as task ids in wait order (the first
    /// waits for the second, ..., the last for the first). A cycle is a deadlock.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Cycles { get; }

    /// <summary>The chains of waits, one sentence each: "task 7 ('a') waits on lock 2, held by task 3
    /// ('b'), which waits on a sleep (a timer)." Chains start at tasks nobody waits for; a cycle is
    /// said to be one.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var told = new HashSet<int>();
        var waitedFor = _tasks.Values.Where(t => t.WaitsForTaskId is { } b && _tasks.ContainsKey(b)).Select(t => t.WaitsForTaskId!.Value).ToHashSet();
        foreach (var head in _tasks.Values.Where(t => t.WaitingOn != null && !waitedFor.Contains(t.Id)).Concat(_tasks.Values.Where(t => t.WaitingOn != null)))
        {
            if (!told.Contains(head.Id))
            {
                text.AppendLine(Chain(head, told));
            }
        }

        return text.ToString();
    }

    private string Chain(TaskSnapshot head, HashSet<int> told)
    {
        var sentence = new StringBuilder();
        var seen = new HashSet<int>();
        for (TaskSnapshot? task = head; task != null; task = task.WaitsForTaskId is { } next ? _tasks.GetValueOrDefault(next) : null)
        {
            if (!seen.Add(task.Id))
            {
                sentence.Append(": a cycle, so none of these tasks can ever go on (a deadlock)");
                break;
            }

            told.Add(task.Id);
            var text = task.WaitingOn ?? (task.Status == CoopTaskStatus.Ready ? "nothing: it is ready to run" : "nothing: it is running");
            if (sentence.Length == 0)
            {
                sentence.Append(task).Append(" waits on ").Append(text);
            }
            else if (task.WaitingOn != null)
            {
                sentence.Append(", which waits on ").Append(text);
            }
            else
            {
                sentence.Append(", which is ").Append(task.Status == CoopTaskStatus.Ready ? "ready to run" : "running");
            }
        }

        return sentence.Append('.').ToString();
    }

    private List<IReadOnlyList<int>> FindCycles()
    {
        var cycles = new List<IReadOnlyList<int>>();
        var done = new HashSet<int>();
        foreach (var start in _tasks.Keys.Order())
        {
            var path = new List<int>();
            var onPath = new Dictionary<int, int>();
            for (int? at = start; at is { } id && _tasks.ContainsKey(id) && !done.Contains(id); at = _tasks[id].WaitsForTaskId)
            {
                if (onPath.TryGetValue(id, out var index))
                {
                    var cycle = path.GetRange(index, path.Count - index);
                    var first = cycle.IndexOf(cycle.Min()); // the same cycle reads alike from any start
                    cycles.Add([.. cycle.Skip(first), .. cycle.Take(first)]);
                    break;
                }

                onPath[id] = path.Count;
                path.Add(id);
            }

            done.UnionWith(path);
        }

        return cycles;
    }
}
