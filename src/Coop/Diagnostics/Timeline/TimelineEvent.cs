namespace Coop;

/// <summary>One event of a <see cref="TimelineRecorder"/>, stamped with the loop's clock.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Time">When, since the recorder was attached (the loop's clock: virtual under a
/// virtual clock).</param>
/// <param name="TaskId">The task it concerns (the woken one for a wake-up), or -1.</param>
/// <param name="Duration">How long the task ran, for <see cref="TimelineEventKind.Ran"/>; else zero.</param>
/// <param name="Steps">How many steps a <see cref="TimelineEventKind.Ran"/> event covers; else zero.</param>
/// <param name="WakerTaskId">For <see cref="TimelineEventKind.Woken"/>: the task whose step woke it, or -1
/// when a timer, I/O or a callback did.</param>
/// <param name="Text">A name, what the task waits on, a mark's label, or null.</param>
public readonly record struct TimelineEvent(
    TimelineEventKind Kind,
    TimeSpan Time,
    int TaskId,
    TimeSpan Duration = default,
    int Steps = 0,
    int WakerTaskId = -1,
    string? Text = null)
{
    /// <summary>When a <see cref="TimelineEventKind.Ran"/> event ended: <see cref="Time"/> plus <see cref="Duration"/>.</summary>
    public TimeSpan End => Time + Duration;
}
