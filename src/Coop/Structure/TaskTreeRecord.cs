// What a task dump needs to draw the task tree (Diagnostics/TaskTree.cs) that the kernel does not
// keep: which task group started a task, and which cancel scope owns a kernel cancel status (a task's
// chain of statuses is the kernel's; the scopes and groups around them are this layer's). Recorded
// only for loops in debug mode, when a group starts a child and when a scope is entered, so a loop
// not in debug mode pays one test of its options there and nothing in its step loop. Weak tables:
// the record never keeps a task, a group or a scope alive.
using System.Runtime.CompilerServices;

namespace Coop;

internal static class TaskTreeRecord
{
    private static readonly ConditionalWeakTable<CoopTask, TaskGroup> s_groups = [];
    private static readonly ConditionalWeakTable<CancelStatus, CancelScope> s_scopes = [];

    /// <summary>Records that <paramref name="group"/> started <paramref name="child"/>.</summary>
    public static void Started(CoopTask child, TaskGroup group) => s_groups.AddOrUpdate(child, group);

    /// <summary>Records that <paramref name="status"/> is <paramref name="scope"/>'s.</summary>
    public static void Entered(CancelStatus status, CancelScope scope) => s_scopes.AddOrUpdate(status, scope);

    /// <summary>The group that started <paramref name="task"/>, if its loop was in debug mode.</summary>
    public static TaskGroup? GroupOf(CoopTask task) => s_groups.TryGetValue(task, out var group) ? group : null;

    /// <summary>The scope that owns <paramref name="status"/>, if it was entered on a loop in debug mode.</summary>
    public static CancelScope? ScopeOf(CancelStatus status) => s_scopes.TryGetValue(status, out var scope) ? scope : null;
}
