namespace Coop.Diagnostics;

/// <summary>One node of a dump's task tree: a task, a task group or a cancel scope, with what it holds.</summary>
/// <param name="Kind">"task", "group" or "scope".</param>
/// <param name="Id">The task's id, or the number reports give the group or scope (WaitTarget.Number).</param>
/// <param name="Text">The node as a person reads it: "task group 5 (closing, 2 children)".</param>
internal sealed record TaskTreeNode(string Kind, int Id, string Text)
{
    /// <summary>What the node started or holds, in the order it did.</summary>
    public List<TaskTreeNode> Children { get; } = [];
}
