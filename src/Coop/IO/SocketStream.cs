// A connected TCP or Unix stream as a Coop ByteStream (Trio's SocketStream): receives return 0 at end
// of stream, SendAllAsync returns when the kernel (or the simulated network) has taken every byte, so
// a peer that stops reading makes the sender wait and memory stays bounded; SendEofAsync half-closes,
// CloseAsync (or await using) closes once, Abort resets.
// Abstract because the network is chosen when the loop is made (IO/NetworkStack.cs): the operating
// system's sockets (SystemSocketStream) or a simulated network (Coop.Testing). User code names only
// this type, so it runs unchanged on either. Socket is the one member only a real stream has; the
// non-waiting calls (TryReceive, TrySend and their two waits, the generator coroutines' way onto the
// direct path) exist on both; their default here refuses, for a stream with only the waiting calls.
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop;

/// <summary>A connected TCP or Unix domain stream on one event loop, as a <see cref="ByteStream"/>.</summary>
/// <remarks>Open one with <see cref="Network.OpenTcpStreamAsync"/>, <see cref="ConnectAsync"/>,
/// <see cref="SocketListener.AcceptAsync"/> (servers get theirs from <see cref="Network.ServeTcpAsync"/>),
/// or <see cref="FromSocket"/> for a connected socket you made. The stream owns its socket: closing
/// the stream closes it, and a stream left open when its loop closes is closed and reported. A Unix
/// domain socket has no reset: after <see cref="ByteStream.Abort"/> its peer receives end of stream
/// (what was not sent is dropped), and the peer's sends fail with <see cref="IOException"/>.</remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A byte stream in Trio's and Tokio's sense, like ByteStream (docs/design.md).")]
public abstract class SocketStream : ByteStream
{
    internal SocketStream()
    {
    }

    /// <summary>The operating system's socket, for options this class does not cover. Use it only
    /// through this stream or the loop's Sock calls: .NET's own asynchronous calls would hand it to
    /// .NET's poller thread.</summary>
    /// <exception cref="NotSupportedException">The stream runs on a simulated network, which has no
    /// operating-system socket.</exception>
    public virtual Socket Socket => throw new NotSupportedException(
        $"{this} runs on a simulated network: it has no operating-system Socket. Set options through SocketOptions when opening it.");

    /// <summary>The local endpoint.</summary>
    public abstract EndPoint? LocalEndPoint { get; }

    /// <summary>The peer's endpoint.</summary>
    public abstract EndPoint? RemoteEndPoint { get; }

    /// <summary>True once the stream is closed (by <see cref="ByteStream.CloseAsync"/>,
    /// <see cref="ByteStream.Abort"/>, or its loop closing).</summary>
    public abstract bool IsClosed { get; }

    /// <summary>Receives what the kernel holds now, without waiting: true with the count received
    /// into <paramref name="buffer"/> (0 means end of stream), or false if nothing can be received
    /// yet. On false, wait with <see cref="WaitReadableAsync"/> and try again.</summary>
    /// <remarks>
    /// <para>The non-waiting half of <see cref="ByteStream.ReceiveAsync"/>, for generator coroutines
    /// (which can <c>yield return</c> a <see cref="Future"/> but cannot await a coroutine) and for code
    /// that drains what is there before it waits:</para>
    /// <code>
    /// while (!stream.TryReceive(buffer, out var n))
    /// {
    ///     yield return stream.WaitReadableAsync();
    /// }
    /// </code>
    /// <para>It never waits, so there is nothing to cancel; a cancellation lands at the next wait.
    /// With epoll it makes no system call when the last one said the kernel's buffer was empty and no
    /// edge has come since. Errors are <see cref="ByteStream.ReceiveAsync"/>'s: a reset connection
    /// is an <see cref="IOException"/>, a closed stream <see cref="ObjectDisposedException"/>, a call
    /// from another thread, or while another task waits to receive, <see cref="InvalidOperationException"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is empty: 0 would not tell end
    /// of stream from nothing yet (wait with <see cref="WaitReadableAsync"/> instead).</exception>
    public virtual bool TryReceive(Span<byte> buffer, out int received) => throw OnlyWaitingCalls(nameof(TryReceive));

    /// <summary>Sends what the kernel takes now, without waiting: true with the count it took (from
    /// the start of <paramref name="data"/>; 0 only if <paramref name="data"/> is empty), or false if
    /// its send buffer has no room. On false, or a partial send, wait with
    /// <see cref="WaitWritableAsync"/> and send the rest.</summary>
    /// <remarks>
    /// <para>The non-waiting half of <see cref="ByteStream.SendAllAsync"/>, for generator coroutines:</para>
    /// <code>
    /// while (data.Length > 0)
    /// {
    ///     if (stream.TrySend(data.Span, out var sent))
    ///     {
    ///         data = data[sent..];
    ///     }
    ///     else
    ///     {
    ///         yield return stream.WaitWritableAsync();
    ///     }
    /// }
    /// </code>
    /// <para>The count is exact, so unlike a canceled <see cref="ByteStream.SendAllAsync"/> a partial
    /// send does not break the stream: the caller knows what the peer will get. Errors are
    /// <see cref="ByteStream.SendAllAsync"/>'s (a reset connection is an <see cref="IOException"/>);
    /// it throws <see cref="InvalidOperationException"/> while another task sends, after
    /// <see cref="ByteStream.SendEofAsync"/>, or from another thread.</para>
    /// </remarks>
    public virtual bool TrySend(ReadOnlySpan<byte> data, out int sent) => throw OnlyWaitingCalls(nameof(TrySend));

    /// <summary>A future that completes when <see cref="TryReceive"/> may find bytes (or end of
    /// stream, or an error to report). Cancel-safe: canceling it, or its task, consumes nothing.</summary>
    /// <remarks>It may complete while <see cref="TryReceive"/> still finds nothing, so try again in a
    /// loop (Tokio's <c>readable</c> promises the same). With epoll it answers from the edges the
    /// stream has seen, with no system call: after a <see cref="TryReceive"/> that found nothing it
    /// waits for the next edge. One task at a time may wait: a second wait throws
    /// <see cref="InvalidOperationException"/>, as does a wait while a <see cref="ByteStream.ReceiveAsync"/>
    /// waits. A wait pending when the stream closes fails with <see cref="ObjectDisposedException"/>.</remarks>
    public virtual Future WaitReadableAsync() => throw OnlyWaitingCalls(nameof(WaitReadableAsync));

    /// <summary>A future that completes when <see cref="TrySend"/> may find room (or an error to
    /// report). Cancel-safe: canceling it sends nothing.</summary>
    /// <remarks>As <see cref="WaitReadableAsync"/>: it may complete early, so try again in a loop;
    /// with epoll it needs no system call.</remarks>
    public virtual Future WaitWritableAsync() => throw OnlyWaitingCalls(nameof(WaitWritableAsync));

    /// <summary>Wraps a connected stream socket; the stream (and the running loop) owns it from now
    /// on. TCP sockets get TCP_NODELAY. Always the operating system's network, whatever the loop's.</summary>
    public static SocketStream FromSocket(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return SystemSocketStream.Wrap(socket, SocketOptions.Default);
    }

    /// <summary>Connects to <paramref name="remote"/> (an <see cref="IPEndPoint"/> or a
    /// <see cref="UnixDomainSocketEndPoint"/>; for a host name use
    /// <see cref="Network.OpenTcpStreamAsync"/>), on the loop's network. A refused connection throws
    /// <see cref="SocketException"/> (ConnectionRefused); a timeout is a cancel scope's job
    /// (<c>CancelScope.FailAfter</c>). Canceled, it closes the half-made socket.</summary>
    public static Coroutine<SocketStream> ConnectAsync(EndPoint remote, SocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote is not (IPEndPoint or UnixDomainSocketEndPoint))
        {
            throw new ArgumentException(
                $"ConnectAsync takes an IPEndPoint or a UnixDomainSocketEndPoint, not a {remote.GetType().Name}: for a host name use Network.OpenTcpStreamAsync(host, port).",
                nameof(remote));
        }

        return Connect(remote, (options ?? SocketOptions.Default).Validated());
    }

    /// <summary>TryReceive's one argument check, shared by every kind of stream.</summary>
    internal static void CheckTryReceiveBuffer(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("TryReceive needs room for at least one byte: with an empty buffer, 0 would not tell end of stream from nothing yet. To wait for data without taking it, yield WaitReadableAsync().", nameof(buffer));
        }
    }

    private NotSupportedException OnlyWaitingCalls(string operation) => new(
        $"{operation}: {this} has only the waiting calls: use ReceiveAsync and SendAllAsync.");

    // On the loop the coroutine runs on, read when it starts (a coroutine is cold).
    private static async Coroutine<SocketStream> Connect(EndPoint remote, SocketOptions options) =>
        await EventLoop.Current.NetworkStack.ConnectAsync(remote, options);
}
