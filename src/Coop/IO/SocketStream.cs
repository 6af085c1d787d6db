// A connected TCP or Unix stream as a Coop ByteStream (Trio's SocketStream): receives return 0 at end
// of stream, SendAllAsync returns when the kernel (or the simulated network) has taken every byte, so
// a peer that stops reading makes the sender wait and memory stays bounded; SendEofAsync half-closes,
// CloseAsync (or await using) closes once, Abort resets.
// Abstract because the network is chosen when the loop is made (IO/NetworkStack.cs): the operating
// system's sockets (SystemSocketStream) or a simulated network (Coop.Testing). User code names only
// this type, so it runs unchanged on either; Socket is the one member only a real stream has.
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop;

/// <summary>A connected TCP or Unix domain stream on one event loop, as a <see cref="ByteStream"/>.</summary>
/// <remarks>Open one with <see cref="Network.OpenTcpStreamAsync"/>, <see cref="ConnectAsync"/>,
/// <see cref="SocketListener.AcceptAsync"/> (servers get theirs from <see cref="Network.ServeTcpAsync"/>),
/// or <see cref="FromSocket"/> for a connected socket you made. The stream owns its socket: closing
/// the stream closes it, and a stream left open when its loop closes is closed and reported.</remarks>
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

    // On the loop the coroutine runs on, read when it starts (a coroutine is cold).
    private static async Coroutine<SocketStream> Connect(EndPoint remote, SocketOptions options) =>
        await EventLoop.Current.NetworkStack.ConnectAsync(remote, options);
}
