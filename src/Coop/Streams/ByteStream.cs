// What every Coop byte stream is: a socket, a TLS session, a process pipe or an in-memory pair
// (Trio's HalfCloseableStream). The contract is the one Trio and Tokio learned the hard way:
// - no hidden buffer: a send returns when the transport has taken the bytes, so a reader that stops
//   reading slows its writer (backpressure without water marks);
// - every receive is cancel-safe: a receive that is canceled has consumed nothing;
// - one close: CloseAsync (or await using) closes and waits, there is no separate wait_closed.
// Methods are cold coroutines, not hot futures: a receive that is created and never awaited has not
// taken bytes off the stream, so dropping it loses nothing.
using System.Diagnostics.CodeAnalysis;

namespace Coop;

/// <summary>
/// A bidirectional stream of bytes owned by one event loop: a TCP or Unix socket, a TLS session, a
/// process pipe, or an in-memory pair. Receives are cancel-safe; a send returns once the transport
/// has taken every byte, so a peer that stops reading slows the sender down (backpressure) and
/// memory stays bounded.
/// </summary>
/// <remarks>Use it from coroutines running on its loop only. <c>await using</c> closes it (the
/// pattern-based <see cref="DisposeAsync"/>, a kernel await like any other).</remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A byte stream in Trio's and Tokio's sense; AsStream gives the System.IO.Stream (docs/design.md).")]
public abstract class ByteStream
{
    /// <summary>Waits until at least one byte can be received, then receives up to
    /// <paramref name="buffer"/>'s length. Returns the count received; 0 means end of stream (the peer
    /// sent EOF or closed).</summary>
    /// <remarks>Cancel-safe: a receive canceled before it returns has consumed no bytes.</remarks>
    public abstract Coroutine<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Sends every byte of <paramref name="data"/>, returning when the transport has taken
    /// them all (for a socket: the kernel's send buffer).</summary>
    /// <remarks>Not cancel-safe: a send canceled part-way has sent an unknown prefix, and the stream
    /// refuses further sends.</remarks>
    public abstract Coroutine SendAllAsync(ReadOnlyMemory<byte> data);

    /// <summary>Half-closes the stream: no more sends, and the peer receives end of stream. Receiving
    /// still works.</summary>
    public abstract Coroutine SendEofAsync();

    /// <summary>Closes the stream gracefully and waits until it is closed. Closing twice does
    /// nothing.</summary>
    public abstract Coroutine CloseAsync();

    /// <summary>Closes the stream at once, discarding what was not sent; a TCP peer sees a reset.</summary>
    public abstract void Abort();

    /// <summary>Closes the stream (<see cref="CloseAsync"/>): what <c>await using</c> calls.</summary>
    public Coroutine DisposeAsync() => CloseAsync();
}
