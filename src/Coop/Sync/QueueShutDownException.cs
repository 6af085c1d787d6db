namespace Coop;

/// <summary>Raised by a CoopQueue's operations after CoopQueue.Shutdown (Python 3.13's <c>QueueShutDown</c>).</summary>
public sealed class QueueShutDownException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public QueueShutDownException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueShutDownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public QueueShutDownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
