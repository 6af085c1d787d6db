namespace Coop;

/// <summary>Where a <see cref="Future"/> is in its life.</summary>
/// <remarks>
/// Pending → Succeeded | Failed | Canceled. The three done states are final: a future completes once.
/// </remarks>
public enum FutureState : byte
{
    /// <summary>Not done yet.</summary>
    Pending,

    /// <summary>Done with a result.</summary>
    Succeeded,

    /// <summary>Done with an exception.</summary>
    Failed,

    /// <summary>Done by cancellation.</summary>
    Canceled,
}
