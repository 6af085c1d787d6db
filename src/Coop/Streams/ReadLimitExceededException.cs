namespace Coop;

/// <summary>Raised by <see cref="ByteStreamReader.ReadUntilAsync"/> and
/// <see cref="ByteStreamReader.ReadLineAsync"/> when the separator is not within the first
/// <see cref="Limit"/> bytes (asyncio's <c>LimitOverrunError</c>): a line or message longer than the
/// caller allows, or a peer sending garbage.</summary>
/// <remarks>The read consumed nothing: at least <see cref="Limit"/> bytes stay buffered in the reader
/// (<see cref="ByteStreamReader.BufferedCount"/>). To go on, skip them (<c>Consume</c>,
/// <c>ReceiveAsync</c>) and resynchronize as the protocol says; most protocols close the connection
/// instead.</remarks>
public sealed class ReadLimitExceededException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ReadLimitExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ReadLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ReadLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a read that found no separator within <paramref name="limit"/> bytes.</summary>
    public ReadLimitExceededException(int limit)
        : base($"The separator was not found within the first {limit} bytes (the read's limit). Nothing was consumed: " +
               "the bytes stay buffered in the reader.")
    {
        Limit = limit;
    }

    /// <summary>The limit the read was given: the longest result it would return, separator included.</summary>
    public int Limit { get; }
}
