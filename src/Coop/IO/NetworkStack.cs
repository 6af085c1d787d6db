// The network seam (docs/io.md, "Clients and servers"): what the high-level calls need from a network,
// chosen once when the loop is made (EventLoopOptions.NetworkStack), never by #if. Two implementations:
// SystemNetworkStack (the operating system's sockets, on the loop's poller) and the simulated network
// of Coop.Testing (hosts, latency and faults in virtual time; issue 15), so that a user's server and
// client code runs unchanged against either.
//
// Small on purpose: four calls and the three types they return. Everything above them is written
// once, on this seam, and is the same for both networks: literal addresses, Happy Eyeballs (Network.
// OpenTcpStreamAsync), the structured accept loop with its back-off (Network.ServeListenersAsync),
// Unix-path housekeeping. An implementation supplies:
// - GetHostAddressesAsync: DNS. Never given an IP literal (the caller parses those). Canceled, it stops
//   waiting; a name that does not resolve throws SocketException (HostNotFound).
// - ConnectAsync: ONE connection attempt to an IPEndPoint or a UnixDomainSocketEndPoint. Refused:
//   SocketException (ConnectionRefused). Canceled: nothing is left open. Returns a connected
//   SocketStream whose endpoints are set.
// - Listen: binds and listens at once (port 0: a free port, which LocalEndPoint then reports); an
//   address in use: SocketException (AddressAlreadyInUse). The listener's AcceptAsync is cancel-safe
//   (a canceled accept took no connection) and applies the options to each accepted stream.
// - BindUdp: a UDP socket bound to an IPEndPoint (port 0: a free port).
// Every call runs on the loop thread, inside the calling task, so a simulation can tell which of its
// hosts calls (from its own state for that task). The returned types are the public abstract
// SocketStream, SocketListener and UdpSocket; a simulated one derives from them (their constructors
// are internal; Coop.Testing sees them) and keeps their documented contract (ByteStream's errors,
// ObjectDisposedException after close, one receiver and one sender at a time).
using System.Net;
using System.Net.Sockets;

namespace Coop.IO;

internal abstract class NetworkStack
{
    /// <summary>The addresses of <paramref name="host"/> (a name, never an IP literal), of
    /// <paramref name="family"/> (<see cref="AddressFamily.Unspecified"/> for both), in the order to
    /// try them. Throws <see cref="SocketException"/> (HostNotFound) if the name does not resolve.</summary>
    public abstract Coroutine<IPAddress[]> GetHostAddressesAsync(string host, AddressFamily family);

    /// <summary>One connection attempt to <paramref name="remote"/> (an <see cref="IPEndPoint"/> or a
    /// <see cref="UnixDomainSocketEndPoint"/>). Canceled, it leaves nothing open.</summary>
    public abstract Coroutine<SocketStream> ConnectAsync(EndPoint remote, SocketOptions options);

    /// <summary>Binds <paramref name="local"/> and listens (port 0: a free port).</summary>
    public abstract SocketListener Listen(EndPoint local, int backlog, SocketOptions options);

    /// <summary>A UDP socket bound to <paramref name="local"/> (port 0: a free port).</summary>
    public abstract UdpSocket BindUdp(IPEndPoint local, SocketOptions options);
}
