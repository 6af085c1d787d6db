// What every Coop byte stream is: a socket, a TLS session, a process pipe or an in-memory pair
// (Trio's HalfCloseableStream). The contract is the one Trio and Tokio learned the hard way:
// - no hidden buffer: a send returns when the transport has taken the bytes, so a reader that stops
//   reading slows its writer (backpressure without water marks);
// - every receive is cancel-safe: a receive that is canceled has consumed nothing;
// - one close: CloseAsync (or await using) closes and waits, there is no separate wait_closed.
// Methods are cold coroutines, not hot futures: a receive that is created and never awaited has not
// taken bytes off the stream, so dropping it loses nothing.
//
// The errors are part of the contract, so that protocol code tested over an in-memory pair
// (StreamPair) meets the same exceptions over a socket: a broken connection is an IOException (.NET's
// NetworkStream convention, not a bare SocketException), a stream closed on this side is an
// ObjectDisposedException, and misuse (two receives at once, a send after SendEofAsync) is an
// InvalidOperationException. docs/io.md, "Streams", has the table.
//
// The adapters to and from System.IO.Stream are in StreamOverByteStream.cs and ByteStreamOverStream.cs.
using System.Diagnostics.CodeAnalysis;

namespace Coop;

/// <summary>
/// A bidirectional stream of bytes owned by one event loop: a TCP or Unix socket, a TLS session, a
/// process pipe, or an in-memory pair. Receives are cancel-safe; a send returns once the transport
/// has taken every byte, so a peer that stops reading slows the sender down (backpressure) and
/// memory stays bounded.
/// </summary>
/// <remarks>
/// <para>Use it from coroutines running on its loop only; from another thread or another loop every
/// call throws <see cref="InvalidOperationException"/>. <c>await using</c> closes it (the
/// pattern-based <see cref="DisposeAsync"/>, a kernel await like any other).</para>
/// <para>One receive and one send may run at the same time (in two tasks); a second receive while
/// one is waiting, or a second send, throws <see cref="InvalidOperationException"/> (Trio's
/// <c>BusyResourceError</c>). A call made by a task that is already canceled raises
/// <see cref="CanceledException"/> at once and does nothing.</para>
/// <para>Errors: a broken connection (the peer reset it, or this side sends to a peer that has
/// closed) raises <see cref="IOException"/>; for sockets and the in-memory pairs its
/// <see cref="Exception.InnerException"/> is a <see cref="System.Net.Sockets.SocketException"/>
/// saying why (<c>ConnectionReset</c>, <c>Shutdown</c>). A stream closed or aborted on this side
/// raises <see cref="ObjectDisposedException"/>, also in a call that was waiting when it closed.</para>
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A byte stream in Trio's and Tokio's sense; AsStream gives the System.IO.Stream (docs/design.md).")]
public abstract class ByteStream
{
    /// <summary>Waits until at least one byte can be received, then receives up to
    /// <paramref name="buffer"/>'s length. Returns the count received; 0 means end of stream (the peer
    /// sent EOF or closed).</summary>
    /// <remarks>Cancel-safe: a receive canceled before it returns has consumed no bytes. With an
    /// empty <paramref name="buffer"/> it waits until bytes are available (or the end of stream) and
    /// returns 0, consuming nothing (.NET's zero-byte read).</remarks>
    public abstract Coroutine<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Sends every byte of <paramref name="data"/>, returning when the transport has taken
    /// them all (for a socket: the kernel's send buffer).</summary>
    /// <remarks>Not cancel-safe: a send canceled after the transport took part of the data has sent
    /// a prefix the caller cannot know, and the stream refuses further sends
    /// (<see cref="InvalidOperationException"/>); close or abort it. A send canceled before any byte
    /// was taken leaves the stream usable. After <see cref="SendEofAsync"/> a send throws
    /// <see cref="InvalidOperationException"/>.</remarks>
    public abstract Coroutine SendAllAsync(ReadOnlyMemory<byte> data);

    /// <summary>Half-closes the stream: no more sends, and the peer receives end of stream once it has
    /// received what was sent before. Receiving still works. A second call does nothing.</summary>
    public abstract Coroutine SendEofAsync();

    /// <summary>Closes the stream gracefully and waits until it is closed: the peer receives what was
    /// sent, then end of stream. Closing twice does nothing. A close that is canceled still leaves
    /// the stream closed (abruptly, as <see cref="Abort"/>, if it had not finished).</summary>
    public abstract Coroutine CloseAsync();

    /// <summary>Closes the stream at once, discarding what was not sent; the peer sees a reset
    /// (<see cref="IOException"/>). Calls waiting on this side fail with
    /// <see cref="ObjectDisposedException"/>. Never throws for a stream already closed.</summary>
    public abstract void Abort();

    /// <summary>Closes the stream (<see cref="CloseAsync"/>): what <c>await using</c> calls.</summary>
    public Coroutine DisposeAsync() => CloseAsync();

    /// <summary>A <see cref="Stream"/> over this byte stream, so that .NET code reading and writing
    /// streams works over it: <c>SslStream</c>, <c>StreamReader</c>, compression streams.</summary>
    /// <param name="leaveOpen">True to keep this byte stream open when the returned stream is disposed.</param>
    /// <remarks>Only its asynchronous calls work, made on this stream's loop thread; each runs as a
    /// task of the loop and completes there, so the awaiting code resumes on the loop thread too.
    /// Synchronous <c>Read</c> and <c>Write</c> throw <see cref="NotSupportedException"/> (they would
    /// block the loop). <c>DisposeAsync</c> closes this byte stream and waits; <c>Dispose</c> starts the
    /// close on the loop without waiting.</remarks>
    public Stream AsStream(bool leaveOpen = false) => new Core.StreamOverByteStream(this, leaveOpen);

    /// <summary>A byte stream over a .NET <see cref="Stream"/> (a <c>NetworkStream</c>, a pipe, an
    /// <c>SslStream</c>, ...), used from coroutines of the loop running when it is first used.</summary>
    /// <param name="stream">A readable and writable stream.</param>
    /// <param name="leaveOpen">True to keep <paramref name="stream"/> open when the byte stream closes.</param>
    /// <remarks>Receives are cancel-safe even though the stream's own reads are not: a receive reads
    /// into a buffer of the adapter, and a read still in flight when its receive is canceled keeps
    /// its bytes for the next receive. Each send copies up to 16 KiB into the adapter's own buffer
    /// before writing it, so a canceled send never leaves the stream reading the caller's memory.
    /// <see cref="SendEofAsync"/> works for an <c>SslStream</c> (close_notify), a <c>NetworkStream</c>
    /// (shutdown) and a stream made by <see cref="AsStream"/>; other streams have no half-close and
    /// throw <see cref="NotSupportedException"/>.</remarks>
    public static ByteStream FromStream(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        // Coop's own Stream completes on the loop thread: no foreign wait to count for the virtual clock.
        return new Core.ByteStreamOverStream(stream, leaveOpen, completesOnLoop: stream is Core.StreamOverByteStream);
    }

    // The contract's errors, worded once for every implementation.

    /// <summary>A second receive (or send) while one waits.</summary>
    internal static InvalidOperationException BusyError(string operation) =>
        new($"Another task is already waiting to {operation} on this stream: a stream allows one {operation} at a time.");

    /// <summary>A send after <see cref="SendEofAsync"/>.</summary>
    internal static InvalidOperationException SendAfterEofError() =>
        new("Cannot send after SendEofAsync: this side of the stream is half-closed.");

    /// <summary>A send after one that was canceled (or failed) part-way.</summary>
    internal static InvalidOperationException SendBrokenError() =>
        new("An earlier send was canceled or failed after part of its data was taken: what the peer received is unknown, " +
            "so the stream refuses further sends. Close or abort it.");
}
