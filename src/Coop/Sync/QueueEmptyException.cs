namespace Coop;

/// <summary>Raised by CoopQueue.GetNowait when the queue is empty (asyncio's <c>QueueEmpty</c>).</summary>
public sealed class QueueEmptyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public QueueEmptyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QueueEmptyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public QueueEmptyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
