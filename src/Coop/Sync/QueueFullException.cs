namespace Coop;

/// <summary>Raised by CoopQueue.PutNowait when the queue is full (asyncio's <c>QueueFull</c>).</summary>
public sealed class QueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public QueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
