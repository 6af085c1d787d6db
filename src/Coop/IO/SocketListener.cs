// A listening TCP or Unix stream socket on one loop, whose connections arrive as SocketStreams
// (Trio's SocketListener). Abstract for the same reason as SocketStream: the loop's network decides
// what a listener is (SystemSocketListener, or a simulated one). Structured servers are built on it
// (Network.ServeListenersAsync).

using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Coop;

/// <summary>A listening stream socket whose connections arrive as <see cref="SocketStream"/>s.</summary>
/// <remarks>Open one with <see cref="Listen"/>, <see cref="Network.OpenTcpListenersAsync"/> or
/// <see cref="Network.OpenUnixListener"/>; serve it with <see cref="Network.ServeListenersAsync"/>,
/// which closes it when serving ends. Disposing it closes it.</remarks>
public abstract class SocketListener : IDisposable
{
    internal SocketListener()
    {
    }

    /// <summary>The bound endpoint: with port 0, the port the system chose.</summary>
    public abstract EndPoint LocalEndPoint { get; }

    /// <summary>True once closed.</summary>
    public abstract bool IsClosed { get; }

    /// <summary>The operating system's listening socket, for its options.</summary>
    /// <exception cref="NotSupportedException">The listener is on a simulated network.</exception>
    public virtual Socket Socket => throw new NotSupportedException($"{this} is on a simulated network: it has no operating-system Socket.");

    /// <summary>Binds <paramref name="local"/> (an <see cref="IPEndPoint"/>, port 0 for any free
    /// port, or a <see cref="UnixDomainSocketEndPoint"/>: a path, or an abstract name starting with
    /// <c>'\0'</c>) on the running loop's network and listens. <c>[::]</c>
    /// (<see cref="IPAddress.IPv6Any"/>) accepts IPv4 connections too, on the same port. With <see cref="SocketOptions.ReuseAddress"/>
    /// (the default) a restarted server can bind while old connections linger. A Unix path where a
    /// socket file is left from a server that is gone is reused; one where a server still listens
    /// throws <see cref="SocketException"/> (AddressAlreadyInUse).</summary>
    /// <param name="local">Where to listen.</param>
    /// <param name="backlog">How many connections the kernel queues before the server accepts them.</param>
    /// <param name="options">Options for the listener and for every connection it accepts.</param>
    public static SocketListener Listen(EndPoint local, int backlog = 128, SocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentOutOfRangeException.ThrowIfNegative(backlog);
        if (local is not (IPEndPoint or UnixDomainSocketEndPoint))
        {
            throw new ArgumentException($"Listen takes an IPEndPoint or a UnixDomainSocketEndPoint, not a {local.GetType().Name}.", nameof(local));
        }

        return EventLoop.Current.NetworkStack.Listen(local, backlog, (options ?? SocketOptions.Default).Validated());
    }

    /// <summary>Waits for a connection and returns it as a stream, with the listener's options
    /// applied. Cancel-safe: a canceled accept took no connection; the next accept gets it. When the
    /// process is out of file descriptors it throws <see cref="SocketException"/>
    /// (TooManyOpenSockets), and the connection waits in the kernel's queue for a later accept.</summary>
    public abstract Coroutine<SocketStream> AcceptAsync();

    /// <summary>Stops listening and closes the socket (and removes its Unix path, if it made one); a
    /// task waiting in <see cref="AcceptAsync"/> fails with <see cref="ObjectDisposedException"/>.
    /// Closing twice does nothing.</summary>
    public abstract void Close();

    /// <summary>Closes the listener (<see cref="Close"/>).</summary>
    [SuppressMessage("Usage", "CA1816:Dispose methods should call SuppressFinalize", Justification = "No finalizer anywhere in the hierarchy.")]
    public void Dispose() => Close();
}
