namespace Coop;

/// <summary>Where a <see cref="CancelScope"/> is in its life (CancelScope.cs has the full table).</summary>
/// <remarks>Idle → Active (its block runs, it is on the task's scope stack) → Exited. Cancellation
/// is a separate flag (<see cref="CancelScope.IsCancellationRequested"/>) that can be set in any state.</remarks>
public enum CancelScopeState
{
    /// <summary>Created; its block has not started.</summary>
    Idle,

    /// <summary>Its block is running.</summary>
    Active,

    /// <summary>Its block has ended; the scope is spent.</summary>
    Exited,
}
