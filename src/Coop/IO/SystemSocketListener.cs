// A SocketListener over an operating-system socket registered with the loop's poller. It owns its
// socket like a stream does, and is closed once. A Unix listener on a file-system path: .NET removes
// the socket file when the socket that bound it closes; a file left by a process that died (empty,
// and a connect to it is refused) is removed before binding, so a restarted server can bind again.
// .NET has no call that tells a socket file from an empty regular file without P/Invoke, hence the
// two checks. [::] listens on IPv4 too (one dual-mode socket, one port), so "any address" is one
// listener whatever the families, also with port 0.
using System.Net;
using System.Net.Sockets;

namespace Coop.IO;

internal sealed class SystemSocketListener : SocketListener
{
    private readonly SocketRegistration _registration;
    private readonly SocketOptions _options;
    private SystemSocketListener(SocketRegistration registration, SocketOptions options)
    {
        _registration = registration;
        _options = options;
    }

    public override EndPoint LocalEndPoint => _registration.Socket.LocalEndPoint!;

    public override Socket Socket => _registration.Socket;

    public override bool IsClosed => _registration.IsClosed;

    public static SystemSocketListener Open(EndPoint local, int backlog, SocketOptions options)
    {
        var loop = EventLoop.Current;
        var unix = local as UnixDomainSocketEndPoint;
        var path = unix != null && !IsAbstract(unix) ? unix.ToString() : null;
        var socket = unix != null
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (unix == null)
            {
                if (options.ReuseAddress)
                {
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                }

                if (local.AddressFamily == AddressFamily.InterNetworkV6 && ((IPEndPoint)local).Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }
            }

            SystemNetworkStack.ApplyBuffers(socket, options); // accepted sockets inherit them
            if (path != null)
            {
                RemoveStaleSocketFile(path);
            }

            socket.Bind(local);
            socket.Listen(backlog);
            return new SystemSocketListener(loop.Registration(socket, nameof(SocketListener.Listen)), options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override async Coroutine<SocketStream> AcceptAsync()
    {
        _registration.CheckUsable(nameof(AcceptAsync));
        var socket = await _registration.Backend.AcceptAsync(_registration);
        try
        {
            return SystemSocketStream.Wrap(socket, _options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override void Close()
    {
        if (!_registration.IsClosed)
        {
            _registration.CheckUsable(nameof(Close));
            _registration.Close(abort: false); // .NET removes a Unix listener's socket file
        }
    }

    public override string ToString() => $"SocketListener({_registration})";

    private static bool IsAbstract(UnixDomainSocketEndPoint endPoint) => endPoint.ToString().StartsWith('\0');

    /// <summary>An empty file nobody listens on (a connect is refused) is the socket file of a server
    /// that died: remove it so the bind succeeds. A live one stays, and the bind then fails with
    /// AddressAlreadyInUse; so does a file with content.</summary>
    private static void RemoveStaleSocketFile(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length != 0)
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path)); // a Unix connect never waits for a network
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            TryDelete(path);
        }
        catch (SocketException)
        {
            // Not a socket, or a live server with a full queue (WouldBlock): leave it, the bind reports it.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Gone meanwhile, or not ours to remove: the bind says what is wrong.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
