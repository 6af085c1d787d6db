// The loop's low-level socket calls (asyncio's loop.sock_* and add_reader, Trio's wait_readable):
// members of EventLoop, as in asyncio, because a socket belongs to one loop and the call names it.
// Each takes a System.Net.Sockets.Socket, so .NET's address types, options and errors stay; the first
// call registers the socket with this loop, which from then on owns it: it is made non-blocking, used
// only through its non-blocking synchronous calls (never .NET's asynchronous ones, which would hand it
// to .NET's own poller thread), and closed by SockClose or when the loop closes (reported then).
// Every call is cancel-safe: it waits only before the system call that does its work, so a call
// canceled while it waits has done nothing (docs/io.md has the table; SockSendAll is the exception
// that sends in several calls, as in asyncio).
// The poller behind them is made on the first use (IoBackend, EpollBackend, PortableBackend), so a
// loop that never touches a socket opens no file descriptor.
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Coop.IO;

namespace Coop;

public sealed partial class EventLoop
{
    // Which loop owns a socket, whoever asks: a socket of one loop used from another must fail
    // clearly. Keyed weakly, so a registration dies with its socket.
    private static readonly ConditionalWeakTable<Socket, SocketRegistration> s_registrations = new();

    private IoBackend? _io;

    /// <summary>Waits until <paramref name="socket"/> is readable (data, end of stream, a connection
    /// to accept, or an error to report). Cancel-safe: canceling the wait consumes nothing.</summary>
    public Future WaitReadableAsync(Socket socket) => Registration(socket).WaitUntilReadyAsync(IoDirection.Read, nameof(WaitReadableAsync));

    /// <summary>Waits until <paramref name="socket"/> is writable (room in its send buffer, a
    /// connect finished, or an error to report). Cancel-safe.</summary>
    public Future WaitWritableAsync(Socket socket) => Registration(socket).WaitUntilReadyAsync(IoDirection.Write, nameof(WaitWritableAsync));

    /// <summary>Accepts a connection on a listening socket; the new socket is not registered yet
    /// (hand it to <see cref="SocketStream"/> or to another Sock call). Cancel-safe: a canceled
    /// accept took no connection.</summary>
    public Coroutine<Socket> SockAcceptAsync(Socket listener)
    {
        var registration = Registration(listener);
        return registration.Backend.AcceptAsync(registration);
    }

    /// <summary>Connects <paramref name="socket"/> to <paramref name="remote"/>, an IP or Unix domain
    /// endpoint (no DNS: resolve names first). Cancel-safe in asyncio's sense: a canceled connect
    /// leaves the socket half-connected, to be closed.</summary>
    public Coroutine SockConnectAsync(Socket socket, EndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote is DnsEndPoint)
        {
            throw new ArgumentException("SockConnectAsync takes an IP or Unix domain endpoint: resolve the host name first (Dns.GetHostAddressesAsync).", nameof(remote));
        }

        var registration = Registration(socket);
        return registration.Backend.ConnectAsync(registration, remote);
    }

    /// <summary>Receives up to <paramref name="buffer"/>'s length; 0 means end of stream (or an
    /// empty buffer). Cancel-safe: a canceled receive took no byte.</summary>
    public Coroutine<int> SockReceiveAsync(Socket socket, Memory<byte> buffer, SocketFlags flags = SocketFlags.None)
    {
        var registration = Registration(socket);
        return registration.Backend.ReceiveAsync(registration, buffer, flags);
    }

    /// <summary>Sends what the kernel takes at once (at least one byte unless
    /// <paramref name="data"/> is empty) and returns the count. Cancel-safe: a canceled send sent
    /// nothing.</summary>
    public Coroutine<int> SockSendAsync(Socket socket, ReadOnlyMemory<byte> data, SocketFlags flags = SocketFlags.None)
    {
        var registration = Registration(socket);
        return registration.Backend.SendAsync(registration, data, flags);
    }

    /// <summary>Sends every byte of <paramref name="data"/>, returning when the kernel has taken them
    /// all. Not cancel-safe: canceled part-way, it has sent an unknown prefix (asyncio's
    /// <c>sock_sendall</c> says the same).</summary>
    public Coroutine SockSendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        var registration = Registration(socket);
        return registration.Backend.SendAllAsync(registration, data, forStream: false);
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/> (IP sockets), with its sender.
    /// Cancel-safe: a canceled receive took no datagram.</summary>
    public Coroutine<SocketReceiveFromResult> SockReceiveFromAsync(Socket socket, Memory<byte> buffer, SocketFlags flags = SocketFlags.None)
    {
        var registration = Registration(socket);
        return registration.Backend.ReceiveFromAsync(registration, buffer, flags);
    }

    /// <summary>Sends one datagram to <paramref name="remote"/>. Cancel-safe: a canceled send sent
    /// nothing.</summary>
    public Coroutine<int> SockSendToAsync(Socket socket, ReadOnlyMemory<byte> data, EndPoint remote, SocketFlags flags = SocketFlags.None)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var registration = Registration(socket);
        return registration.Backend.SendToAsync(registration, data, remote, flags);
    }

    /// <summary>Closes a socket this loop owns: tasks waiting on it fail with
    /// <see cref="ObjectDisposedException"/>, the poller forgets it, and it is disposed. A socket this
    /// loop never saw is just disposed; closing twice does nothing.</summary>
    public void SockClose(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        CheckThread();
        if (s_registrations.TryGetValue(socket, out var registration))
        {
            if (registration.Loop != this)
            {
                throw new InvalidOperationException($"SockClose: {registration} belongs to another event loop: close it there.");
            }

            registration.Close(abort: false);
            return;
        }

        socket.Dispose();
    }

    /// <summary>How many sockets this loop owns now (tests check that closing frees them).</summary>
    internal int OpenSockets => _io?.OpenSockets ?? 0;

    /// <summary>The loop's registration of <paramref name="socket"/>, registering it on first use.</summary>
    internal SocketRegistration Registration(Socket socket, [CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (s_registrations.TryGetValue(socket, out var registration))
        {
            registration.CheckUsable(operation);
            return registration;
        }

        return Register(socket, operation);
    }

    /// <summary>Registers a socket that no loop owns yet.</summary>
    internal SocketRegistration Register(Socket socket, [CallerMemberName] string operation = "")
    {
        CheckNotClosed(operation);
        if (CurrentOrNull != this)
        {
            throw new InvalidOperationException(
                $"{operation} must be called from a coroutine running on this event loop (its thread {(_threadId == 0 ? "is not running it" : _threadId.ToString(System.Globalization.CultureInfo.InvariantCulture))}).");
        }

        if (socket.SafeHandle.IsClosed)
        {
            throw new ObjectDisposedException(nameof(Socket), $"{operation}: the socket is closed.");
        }

        var registration = Io.Register(socket);
        if (!s_registrations.TryAdd(socket, registration))
        {
            registration.Close(abort: false);
            throw new InvalidOperationException($"{operation}: the socket is already registered with another event loop.");
        }

        return registration;
    }

    /// <summary>Forgets the owner of a socket the loop is closing.</summary>
    internal static void Unregister(Socket socket) => s_registrations.Remove(socket);

    private IoBackend Io => _io ??= CreateBackend();

    private IoBackend CreateBackend()
    {
        var kind = PollerKind == PollerKind.Automatic ? (OperatingSystem.IsLinux() ? PollerKind.Epoll : PollerKind.Portable) : PollerKind;
        if (kind == PollerKind.Epoll && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("PollerKind.Epoll needs Linux: use PollerKind.Automatic or Portable.");
        }

        IoBackend backend = kind == PollerKind.Epoll ? new EpollBackend(this, EdgeTriggered) : new PortableBackend(this);
        AttachPoller(backend, sleepsInPoller: kind == PollerKind.Epoll);
        return backend;
    }

    /// <summary>Epoll registration mode: edges (the default), or level-triggered interest per wait,
    /// kept for the measurement in docs/design.md. Set before the first socket use.</summary>
    internal bool EdgeTriggered { get; set; } = true;
}
