// In-memory stream pairs (Trio's memory_stream_pair and lockstep_stream_pair): two connected
// ByteStreams on one loop, with no network, for unit tests of protocol code and for joining two
// parts of one program. They keep the ByteStream contract exactly (backpressure, cancel-safe
// receives, half-close, reset errors), so code tested over them meets the same behaviour over a
// socket. The behaviour is in BytePipe.cs; each end is an InMemoryStream.
namespace Coop;

/// <summary>Creates two connected in-memory <see cref="ByteStream"/>s: what one end sends, the other
/// receives (Trio's <c>memory_stream_pair</c> and <c>lockstep_stream_pair</c>).</summary>
/// <remarks>Both ends belong to the loop they are first used on. Closing an end gives the other end
/// end-of-stream after the bytes in flight; aborting it gives the other end an
/// <see cref="IOException"/> (a reset, whose inner exception is a
/// <see cref="System.Net.Sockets.SocketException"/> with <c>ConnectionReset</c>) and discards the
/// bytes in flight. A send to an end that has closed fails with an <see cref="IOException"/>
/// (<c>Shutdown</c>, a broken pipe).</remarks>
public static class StreamPair
{
    /// <summary>The default capacity of each direction of <see cref="CreateMemory"/>: 64 KiB.</summary>
    public const int DefaultCapacity = 64 * 1024;

    /// <summary>Two ends joined by a buffer of <paramref name="capacity"/> bytes in each direction. A
    /// send returns once its bytes are in the buffer and waits while the buffer is full, so a reader
    /// that stops reading stops the writer (backpressure), as a socket's kernel buffer does.</summary>
    /// <param name="capacity">Bytes each direction holds; storage grows on demand up to it. A small
    /// capacity (even 1) makes every message arrive in small pieces, which flushes out protocol code
    /// that assumes one receive returns one message.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1 (for
    /// no buffer at all, use <see cref="CreateLockstep"/>).</exception>
    public static (ByteStream Left, ByteStream Right) CreateMemory(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return Create(capacity, "memory");
    }

    /// <summary>Two ends with no buffer at all: a send waits until receives on the other end have
    /// taken every byte, and no byte moves before a receive asks for it. Protocol code that only
    /// works because sends are buffered (both ends sending before either receives) deadlocks here,
    /// in a test, rather than under load in production.</summary>
    public static (ByteStream Left, ByteStream Right) CreateLockstep() => Create(0, "lockstep");

    private static (ByteStream Left, ByteStream Right) Create(int capacity, string kind)
    {
        var leftToRight = new Core.BytePipe(capacity);
        var rightToLeft = new Core.BytePipe(capacity);
        return (new Core.InMemoryStream(rightToLeft, leftToRight, $"{kind} stream, left end"),
                new Core.InMemoryStream(leftToRight, rightToLeft, $"{kind} stream, right end"));
    }
}
