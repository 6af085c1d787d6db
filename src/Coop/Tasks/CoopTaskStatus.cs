namespace Coop;

/// <summary>Where a <see cref="CoopTask"/> is: a task is in exactly one place at a time.</summary>
/// <remarks>
/// <code>
/// Ready   --step-->            Running
/// Running --yield-->           Ready     (back of the ready queue)
/// Running --await pending-->   Waiting   (parked on one future, or on a foreign awaitable)
/// Waiting --future done-->     Ready     (only if still parked on that very future)
/// Waiting --Cancel()-->        Ready     (the cancellation is delivered at the await point;
///                                         also when a cancel scope the task is inside is canceled)
/// Running --coroutine ends-->  Done      (result, exception or canceled: exactly one, once)
/// </code>
/// </remarks>
public enum CoopTaskStatus : byte
{
    /// <summary>In the ready queue: it runs on this or the next loop iteration.</summary>
    Ready,

    /// <summary>Being stepped by the loop right now.</summary>
    Running,

    /// <summary>Parked until what it awaits completes.</summary>
    Waiting,

    /// <summary>Finished: see <see cref="Future.State"/> for how.</summary>
    Done,
}
