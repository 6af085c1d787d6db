namespace Coop;

/// <summary>A loop of a <see cref="LoopGroup"/> whose iteration has run longer than the group's
/// stall threshold: something on it blocks or computes without awaiting, and every other task of that
/// loop waits meanwhile.</summary>
/// <param name="LoopName">The stalled loop's name.</param>
/// <param name="LoopIndex">Its index in the group.</param>
/// <param name="Duration">How long the iteration has run so far (at least the threshold).</param>
/// <param name="TaskName">The task being stepped when the stall was seen, or null if the loop was
/// running a callback, not a task.</param>
/// <param name="Where">Where that task last resumed: the coroutine method (its innermost frame) that
/// the stalled step runs in; null when not known.</param>
public sealed record LoopStall(string LoopName, int LoopIndex, TimeSpan Duration, string? TaskName, string? Where)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{LoopName} stalled: one iteration has run {Duration.TotalMilliseconds:F0} ms" +
        (TaskName == null ? ", in a callback" : $", in task '{TaskName}'") + (Where == null ? "" : $", which resumed in {Where}");
}
