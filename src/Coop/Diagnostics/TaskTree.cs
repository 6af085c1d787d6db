// Who started whom, as asyncio 3.14's `python -m asyncio pstree` draws it: each task holds the
// cancel scopes it is inside and the task groups it opened (nested as its code nests them), a group
// holds the tasks it started, and a task started with loop.CreateTask hangs under the task that
// started it. Read from what debug mode records (LoopDebugger: the creating task; TaskTreeRecord in
// Structure/: the starting group, the scope owning each cancel status) and the kernel's chain of
// cancel statuses per task; a loop not in debug mode records nothing, and the dump has no tree.
// A group's body scope stands for the group: it is where the group sits in its task's code, and it
// stays linked to the scopes around it after the body ends, while the group waits for its children.
// A group child's own base scope is the group's doing, not the child's code, so it is left out.
using System.Globalization;
using System.Text;

namespace Coop.Diagnostics;

internal sealed class TaskTree
{
    private readonly Dictionary<CoopTask, TaskTreeNode> _tasks = [];
    private readonly Dictionary<object, TaskTreeNode> _structures = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<TaskTreeNode> _placed = new(ReferenceEqualityComparer.Instance);

    private TaskTree()
    {
    }

    /// <summary>The nodes nobody started (or whose starter is done), in creation order.</summary>
    public List<TaskTreeNode> Roots { get; } = [];

    /// <summary>The tree of <paramref name="tasks"/> (a loop's live tasks, in creation order, with
    /// their snapshots); null if the loop recorded nothing (not in debug mode).</summary>
    public static TaskTree? Of(IReadOnlyList<CoopTask> tasks, IReadOnlyList<TaskSnapshot> snapshots)
    {
        if (tasks.Count == 0 || LoopDebugger.Of(tasks[0].Loop) == null)
        {
            return null;
        }

        var tree = new TaskTree();
        var byId = tasks.ToDictionary(t => t.Id);
        for (var i = 0; i < tasks.Count; i++)
        {
            tree._tasks[tasks[i]] = new TaskTreeNode("task", tasks[i].Id, $"{snapshots[i]} {snapshots[i].Status}");
        }

        foreach (var task in tasks)
        {
            tree.Position(task, task.InnermostStatus); // the scopes it is inside, even empty ones
            var node = tree._tasks[task];
            if (TaskTreeRecord.GroupOf(task) is { } group)
            {
                tree.Place(node, tree.GroupNode(group));
            }
            else if (LoopDebugger.ParentOf(task) is { } parentId && byId.GetValueOrDefault(parentId) is { } parent)
            {
                tree.Place(node, tree._tasks[parent]);
            }
            else
            {
                tree.Place(node, null);
            }
        }

        return tree;
    }

    /// <summary>The tree drawn as pstree does, one node a line, under a title.</summary>
    public void Write(StringBuilder text)
    {
        text.AppendLine("Task tree (who started whom):");
        for (var i = 0; i < Roots.Count; i++)
        {
            Write(text, Roots[i], "", i == Roots.Count - 1);
        }
    }

    private static void Write(StringBuilder text, TaskTreeNode node, string indent, bool last)
    {
        text.Append(indent).Append(last ? "└── " : "├── ").AppendLine(node.Text);
        var inner = indent + (last ? "    " : "│   ");
        for (var i = 0; i < node.Children.Count; i++)
        {
            Write(text, node.Children[i], inner, i == node.Children.Count - 1);
        }
    }

    /// <summary>Where code of <paramref name="task"/> inside <paramref name="status"/> sits: the node of
    /// the innermost scope or group around it, or the task itself.</summary>
    private TaskTreeNode Position(CoopTask task, CancelStatus? status)
    {
        if (status == null)
        {
            return _tasks[task];
        }

        var outer = Position(task, status.Outer);
        var scope = TaskTreeRecord.ScopeOf(status);
        if (scope == null || scope.IsTaskBase)
        {
            return outer;
        }

        if (scope.Group is { } group)
        {
            return GroupNode(group);
        }

        if (!_structures.TryGetValue(scope, out var node))
        {
            var number = WaitTarget.Number(scope);
            node = new TaskTreeNode("scope", number, $"cancel scope {number.ToString(CultureInfo.InvariantCulture)} ({Describe(scope)})");
            _structures[scope] = node;
            Place(node, outer);
        }

        return node;
    }

    private TaskTreeNode GroupNode(TaskGroup group)
    {
        if (_structures.TryGetValue(group, out var node))
        {
            return node;
        }

        var number = WaitTarget.Number(group);
        var children = group.Count == 1 ? "1 child" : $"{group.Count.ToString(CultureInfo.InvariantCulture)} children";
        var phase = (group.IsOpen ? "open" : "closing") + (group.IsCanceling ? ", canceling" : "");
        var parentGone = !_tasks.ContainsKey(group.Parent);
        node = new TaskTreeNode("group", number, $"task group {number.ToString(CultureInfo.InvariantCulture)} ({phase}, {children}" +
            (parentGone ? $"; opened by task {group.Parent.Id.ToString(CultureInfo.InvariantCulture)}, done)" : ")"));
        _structures[group] = node;
        Place(node, parentGone ? null : Position(group.Parent, group.BodyScope.Status.Outer));
        return node;
    }

    private void Place(TaskTreeNode node, TaskTreeNode? under)
    {
        if (_placed.Add(node))
        {
            (under?.Children ?? Roots).Add(node);
        }
    }

    private static string Describe(CancelScope scope)
    {
        var parts = new List<string>();
        if (!double.IsPositiveInfinity(scope.Deadline))
        {
            parts.Add("deadline " + scope.Deadline.ToString("0.###", CultureInfo.InvariantCulture));
        }

        if (scope.IsCancellationRequested)
        {
            parts.Add("canceled");
        }

        if (scope.Shield)
        {
            parts.Add("shielded");
        }

        return parts.Count == 0 ? "no deadline" : string.Join(", ", parts);
    }
}
