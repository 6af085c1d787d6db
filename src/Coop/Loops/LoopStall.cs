using System.Globalization;

namespace Coop;

/// <summary>A loop of a <see cref="LoopGroup"/> one of whose task steps has run longer than the
/// group's stall threshold: the task blocks or computes without awaiting, and every other task of
/// that loop waits meanwhile.</summary>
/// <param name="LoopName">The stalled loop's name.</param>
/// <param name="LoopIndex">Its index in the group.</param>
/// <param name="Duration">How long the step has run so far (at least the threshold).</param>
/// <param name="TaskId">The id of the task whose step runs.</param>
/// <param name="TaskName">That task's name.</param>
/// <param name="ResumedAt">Where that task last resumed: its innermost coroutine and the source line
/// of the await it resumed from (the line is 0 and the file null without the program's symbols);
/// null when not known.</param>
/// <param name="Blocked">True when the loop's thread is blocked (a lock, a Task's result, a sleep)
/// rather than computing: sync over async, if what it waits for needs this loop.</param>
public sealed record LoopStall(string LoopName, int LoopIndex, TimeSpan Duration, int TaskId, string TaskName, CoroutineFrame? ResumedAt, bool Blocked)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{LoopName} stalled: task {TaskId.ToString(CultureInfo.InvariantCulture)} ('{TaskName}') has run one step for " +
        $"{Duration.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms without awaiting" +
        (Blocked ? ", its thread blocked" : ", computing") +
        (ResumedAt == null ? "" : $"; it resumed in {ResumedAt}");
}
