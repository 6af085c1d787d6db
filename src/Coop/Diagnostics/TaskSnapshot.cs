namespace Coop;

/// <summary>One live task as a <see cref="TaskDump"/> saw it.</summary>
public sealed class TaskSnapshot
{
    internal TaskSnapshot(int id, string name, CoopTaskStatus status, string? waitingOn, int? waitsForTaskId, int? parentId, IReadOnlyList<CoroutineFrame> awaitChain)
    {
        Id = id;
        Name = name;
        Status = status;
        WaitingOn = waitingOn;
        WaitsForTaskId = waitsForTaskId;
        ParentId = parentId;
        AwaitChain = awaitChain;
    }

    /// <summary>The task's id (<see cref="CoopTask.Id"/>).</summary>
    public int Id { get; }

    /// <summary>The task's name (<see cref="CoopTask.Name"/>).</summary>
    public string Name { get; }

    /// <summary>Ready, running or waiting.</summary>
    public CoopTaskStatus Status { get; }

    /// <summary>What the task waits on, in words ("lock 2, held by task 3 ('b')"); null unless it waits.</summary>
    public string? WaitingOn { get; }

    /// <summary>The task whose progress this one waits for: the task it awaits, or the one holding the
    /// lock it wants; null if none is known.</summary>
    public int? WaitsForTaskId { get; }

    /// <summary>The task that created this one (known in debug mode: <see cref="EventLoopOptions.Debug"/>); null otherwise.</summary>
    public int? ParentId { get; }

    /// <summary>The coroutine frames the task is in, outermost first, each with the source line it
    /// waits at (the innermost) or awaits its callee at (the others).</summary>
    public IReadOnlyList<CoroutineFrame> AwaitChain { get; }

    /// <summary>"task 3 ('name')".</summary>
    public override string ToString() => $"task {Id} ('{Name}')";
}
