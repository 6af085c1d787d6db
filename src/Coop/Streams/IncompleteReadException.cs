namespace Coop;

/// <summary>Raised when a <see cref="ByteStreamReader"/> read that needs more bytes meets the end of
/// the stream first: <c>ReadExactlyAsync</c>, <c>ReadAtLeastAsync</c>, <c>ReadUntilAsync</c>
/// (asyncio's <c>IncompleteReadError</c>). It is an <see cref="EndOfStreamException"/>, what
/// .NET's own <c>Stream.ReadExactly</c> throws.</summary>
/// <remarks>The read consumed nothing: <see cref="PartialData"/> is a copy of the bytes that did
/// arrive, and they are still buffered in the reader, so a <c>ReceiveAsync</c> returns them.</remarks>
public sealed class IncompleteReadException : EndOfStreamException
{
    /// <summary>Creates the exception.</summary>
    public IncompleteReadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public IncompleteReadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public IncompleteReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a read that got <paramref name="partialData"/> and then the
    /// end of the stream; <paramref name="expectedLength"/> is how many bytes it needed, or null when
    /// it was looking for a separator.</summary>
    public IncompleteReadException(ReadOnlyMemory<byte> partialData, int? expectedLength)
        : base(expectedLength is { } expected
            ? $"The stream ended after {partialData.Length} of the {expected} bytes the read needed."
            : $"The stream ended after {partialData.Length} bytes, before the separator the read was looking for.")
    {
        PartialData = partialData;
        ExpectedLength = expectedLength;
    }

    /// <summary>The bytes that arrived before the end of the stream (still buffered in the reader).</summary>
    public ReadOnlyMemory<byte> PartialData { get; }

    /// <summary>How many bytes the read needed (<c>ReadExactlyAsync</c>: the buffer's length;
    /// <c>ReadAtLeastAsync</c>: the minimum), or null for <c>ReadUntilAsync</c>.</summary>
    public int? ExpectedLength { get; }
}
