// A UDP socket on one loop: datagrams sent to and received from endpoints (a small class over the
// loop's SockSendToAsync/SockReceiveFromAsync). Abstract for the same reason as SocketStream: the
// loop's network decides what it is (SystemUdpSocket, or a simulated one where datagrams can be
// dropped, duplicated or reordered).
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Coop;

/// <summary>A UDP socket on one event loop: sends datagrams to endpoints and receives them with
/// their sender.</summary>
/// <remarks>Open one with <see cref="Bind"/>. One task may receive and one may send at a time; a
/// second one waiting in the same direction throws <see cref="InvalidOperationException"/>. Both
/// calls are cancel-safe. UDP promises nothing: a datagram may be lost, duplicated or reordered, and
/// a send to a port where nobody listens may make a later receive fail with
/// <see cref="SocketException"/> (ConnectionReset, the ICMP "port unreachable" the kernel reports).
/// Disposing it closes it.</remarks>
public abstract class UdpSocket : IDisposable
{
    internal UdpSocket()
    {
    }

    /// <summary>The bound endpoint: with port 0, the port the system chose.</summary>
    public abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>True once closed.</summary>
    public abstract bool IsClosed { get; }

    /// <summary>The operating system's socket, for its options (broadcast, multicast, TTL).</summary>
    /// <exception cref="NotSupportedException">The socket is on a simulated network.</exception>
    public virtual Socket Socket => throw new NotSupportedException($"{this} is on a simulated network: it has no operating-system Socket.");

    /// <summary>A UDP socket bound to <paramref name="local"/> (port 0 for any free port;
    /// <see cref="IPAddress.IPv6Any"/> receives IPv4 datagrams too) on the running loop's network.</summary>
    /// <param name="local">The address and port to receive on.</param>
    /// <param name="options">Buffer sizes and SO_REUSEADDR (the TCP options do not apply).</param>
    public static UdpSocket Bind(IPEndPoint local, SocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        return EventLoop.Current.NetworkStack.BindUdp(local, (options ?? SocketOptions.Default).Validated());
    }

    /// <summary>Sends <paramref name="datagram"/> to <paramref name="remote"/> as one datagram and
    /// returns its length. Cancel-safe: a canceled send sent nothing. A datagram larger than the
    /// path allows throws <see cref="SocketException"/> (MessageSize).</summary>
    /// <param name="datagram">The payload.</param>
    /// <param name="remote">Where to send it: an IP endpoint (resolve names with
    /// <see cref="Network.GetHostAddressesAsync"/>).</param>
    public abstract Coroutine<int> SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote);

    /// <summary>Waits for one datagram, copies it into <paramref name="buffer"/> and returns its
    /// length and sender. A datagram longer than the buffer is truncated to it (the rest is lost, as
    /// with every UDP socket). Cancel-safe: a canceled receive took no datagram.</summary>
    public abstract Coroutine<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer);

    /// <summary>Closes the socket; a task waiting on it fails with
    /// <see cref="ObjectDisposedException"/>. Closing twice does nothing.</summary>
    public abstract void Close();

    /// <summary>Closes the socket (<see cref="Close"/>).</summary>
    [SuppressMessage("Usage", "CA1816:Dispose methods should call SuppressFinalize", Justification = "No finalizer anywhere in the hierarchy.")]
    public void Dispose() => Close();
}
