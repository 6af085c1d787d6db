// The operating system's network behind the seam (IO/NetworkStack.cs): DNS through .NET's resolver on
// a pool thread (getaddrinfo blocks; Coroutine.FromTask brings the answer back through the inbox, and
// a cancellation ends the wait at once), sockets registered with the loop's poller. Also where
// SocketOptions become setsockopt calls, for the streams, listeners and UDP sockets of this stack.
using System.Net;
using System.Net.Sockets;

namespace Coop.IO;

internal sealed class SystemNetworkStack : NetworkStack
{
    public static readonly SystemNetworkStack Instance = new();

    private SystemNetworkStack()
    {
    }

    public override async Coroutine<IPAddress[]> GetHostAddressesAsync(string host, AddressFamily family) =>
        await Coroutine.FromTask(token => Dns.GetHostAddressesAsync(host, family, token));

    public override Coroutine<SocketStream> ConnectAsync(EndPoint remote, SocketOptions options) =>
        SystemSocketStream.ConnectNewAsync(remote, options);

    public override SocketListener Listen(EndPoint local, int backlog, SocketOptions options) =>
        SystemSocketListener.Open(local, backlog, options);

    public override UdpSocket BindUdp(IPEndPoint local, SocketOptions options) =>
        SystemUdpSocket.Open(local, options);

    /// <summary>The options a connection takes (TCP_NODELAY, keep-alive); buffer sizes were set on
    /// the socket before it connected (or on the listener, which accepted sockets inherit).</summary>
    public static void ApplyToConnection(Socket socket, SocketOptions options)
    {
        if (socket.ProtocolType != ProtocolType.Tcp)
        {
            return;
        }

        if (options.NoDelay)
        {
            socket.NoDelay = true;
        }

        if (options.WantsKeepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (options.KeepAliveTime is { } idle)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)idle.TotalSeconds);
            }

            if (options.KeepAliveInterval is { } interval)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)interval.TotalSeconds);
            }
        }
    }

    /// <summary>SO_RCVBUF and SO_SNDBUF, set before connect or listen (TCP agrees its window scale
    /// during the handshake).</summary>
    public static void ApplyBuffers(Socket socket, SocketOptions options)
    {
        if (options.ReceiveBufferSize is { } receive)
        {
            socket.ReceiveBufferSize = receive;
        }

        if (options.SendBufferSize is { } send)
        {
            socket.SendBufferSize = send;
        }
    }
}
