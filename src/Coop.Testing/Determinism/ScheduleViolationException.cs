namespace Coop.Testing;

/// <summary>A run broke a rule that <see cref="Explore"/> checks after it: a task leaked, a
/// <see cref="ScheduleProbes"/> check failed, or the run never finished (a livelock).</summary>
public sealed class ScheduleViolationException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public ScheduleViolationException()
        : base("The run broke a rule checked after it.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ScheduleViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ScheduleViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
