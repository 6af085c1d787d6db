namespace Coop.Testing;

/// <summary>Thrown by <see cref="Explore.Run(Func{Coroutine}, ExploreOptions?)"/> when a schedule
/// fails. Its message holds the seed, the shrunk schedule and how to replay it; the run's own
/// exception is the inner exception.</summary>
public sealed class ScheduleFailedException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public ScheduleFailedException()
        : base("A schedule failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ScheduleFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ScheduleFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ScheduleFailedException(ExploreResult result)
        : base(result.Report(), result.Failure!.Exception)
    {
        Result = result;
    }

    /// <summary>The exploration that failed (null when made by the public constructors).</summary>
    public ExploreResult? Result { get; }
}
