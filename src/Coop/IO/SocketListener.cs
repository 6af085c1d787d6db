// A listening TCP or Unix stream socket on one loop: the minimum to accept SocketStreams (structured
// servers build on it). It owns its socket like a stream does, and is closed once.
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop;

/// <summary>A listening stream socket whose connections arrive as <see cref="SocketStream"/>s.</summary>
public sealed class SocketListener
{
    private readonly SocketRegistration _registration;

    private SocketListener(SocketRegistration registration)
    {
        _registration = registration;
    }

    /// <summary>The bound endpoint (with the port the system chose, when asked for port 0).</summary>
    public EndPoint LocalEndPoint => _registration.Socket.LocalEndPoint!;

    /// <summary>The listening socket, for its options.</summary>
    public Socket Socket => _registration.Socket;

    /// <summary>True once closed.</summary>
    public bool IsClosed => _registration.IsClosed;

    /// <summary>Binds <paramref name="local"/> (an <see cref="IPEndPoint"/>, port 0 for any free
    /// port, or a <see cref="UnixDomainSocketEndPoint"/>) on the running loop and listens.
    /// TCP listeners set SO_REUSEADDR, so a restarted server can bind while old connections linger.</summary>
    public static SocketListener Listen(EndPoint local, int backlog = 128)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentOutOfRangeException.ThrowIfNegative(backlog);
        var loop = EventLoop.Current;
        var socket = local is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (local is IPEndPoint)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(local);
            socket.Listen(backlog);
            return new SocketListener(loop.Registration(socket));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits for a connection and returns it as a stream (TCP_NODELAY on). Cancel-safe: a
    /// canceled accept took no connection; the next accept gets it.</summary>
    public async Coroutine<SocketStream> AcceptAsync()
    {
        _registration.CheckUsable(nameof(AcceptAsync));
        var socket = await _registration.Backend.AcceptAsync(_registration);
        try
        {
            return SocketStream.FromSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening and closes the socket; a task waiting in <see cref="AcceptAsync"/>
    /// fails with <see cref="ObjectDisposedException"/>. Closing twice does nothing.</summary>
    public void Close()
    {
        if (!_registration.IsClosed)
        {
            _registration.CheckUsable(nameof(Close));
            _registration.Close(abort: false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"SocketListener({_registration})";
}
