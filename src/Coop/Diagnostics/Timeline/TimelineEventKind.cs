namespace Coop;

/// <summary>What a <see cref="TimelineEvent"/> records.</summary>
public enum TimelineEventKind
{
    /// <summary>A task was created; <see cref="TimelineEvent.Text"/> is its name.</summary>
    TaskCreated,

    /// <summary>A task ran: one step, or several steps merged (<see cref="TimelineEvent.Steps"/>),
    /// from <see cref="TimelineEvent.Time"/> for <see cref="TimelineEvent.Duration"/>.</summary>
    Ran,

    /// <summary>A step ended with the task waiting; <see cref="TimelineEvent.Text"/> says on what.</summary>
    Parked,

    /// <summary>A waiting task was made ready; <see cref="TimelineEvent.WakerTaskId"/> is the task
    /// whose step woke it, if a task did, and <see cref="TimelineEvent.Text"/> what it had waited on.</summary>
    Woken,

    /// <summary>A sleep's timer fired and woke <see cref="TimelineEvent.TaskId"/>.</summary>
    TimerFired,

    /// <summary>A socket became ready and woke <see cref="TimelineEvent.TaskId"/>.</summary>
    IoReady,

    /// <summary>A label put on the timeline by <see cref="TimelineRecorder.Mark"/>, on the lane of the
    /// task that was running (-1 if none).</summary>
    Mark,

    /// <summary>A task finished; <see cref="TimelineEvent.Text"/> says how (its state).</summary>
    TaskDone,
}
