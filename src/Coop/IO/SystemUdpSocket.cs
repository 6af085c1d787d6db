// A UdpSocket over an operating-system socket registered with the loop's poller: the loop's
// datagram operations (IoBackend.SendToAsync, ReceiveFromAsync), nothing added.
using System.Net;
using System.Net.Sockets;

namespace Coop.IO;

internal sealed class SystemUdpSocket : UdpSocket
{
    private readonly SocketRegistration _registration;

    private SystemUdpSocket(SocketRegistration registration)
    {
        _registration = registration;
    }

    public override IPEndPoint LocalEndPoint => (IPEndPoint)_registration.Socket.LocalEndPoint!;

    public override Socket Socket => _registration.Socket;

    public override bool IsClosed => _registration.IsClosed;

    public static SystemUdpSocket Open(IPEndPoint local, SocketOptions options)
    {
        var loop = EventLoop.Current;
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (options.ReuseAddress)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            if (local.AddressFamily == AddressFamily.InterNetworkV6 && local.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            SystemNetworkStack.ApplyBuffers(socket, options);
            socket.Bind(local);
            return new SystemUdpSocket(loop.Registration(socket, nameof(UdpSocket.Bind)));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override Coroutine<int> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return _registration.Backend.SendToAsync(_registration, datagram, remote, SocketFlags.None); // checks when awaited
    }

    public override Coroutine<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer) =>
        _registration.Backend.ReceiveFromAsync(_registration, buffer, SocketFlags.None);

    public override void Close()
    {
        if (!_registration.IsClosed)
        {
            _registration.CheckUsable(nameof(Close));
            _registration.Close(abort: false);
        }
    }

    public override string ToString() => $"UdpSocket({_registration})";
}
