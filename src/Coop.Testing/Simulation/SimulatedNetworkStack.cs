// The simulated network as the runtime's network seam (IO/NetworkStack.cs): a loop made with it
// (ScheduleRunner does, when ExploreOptions.Simulate is on) sends Network.OpenTcpStreamAsync,
// ServeTcpAsync, SocketListener.Listen, UdpSocket.Bind and lookups to its Simulation. Everything
// above the seam (address literals, Happy Eyeballs, the structured accept loop) is the runtime's own
// code, so the program under test runs the same code as on the real network.
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop.Testing;

internal sealed class SimulatedNetworkStack(Simulation simulation) : NetworkStack
{
    public override Coroutine<IPAddress[]> GetHostAddressesAsync(string host, AddressFamily family) =>
        simulation.ResolveAsync(host, family);

    public override Coroutine<SocketStream> ConnectAsync(EndPoint remote, SocketOptions options) => remote is IPEndPoint ip
        ? simulation.ConnectAsync(ip)
        : throw NoUnixSockets(remote);

    public override SocketListener Listen(EndPoint local, int backlog, SocketOptions options) => local is IPEndPoint ip
        ? simulation.Listen(ip, backlog)
        : throw NoUnixSockets(local);

    public override UdpSocket BindUdp(IPEndPoint local, SocketOptions options) => simulation.BindDatagram(local);

    private static NotSupportedException NoUnixSockets(EndPoint endPoint) =>
        new($"The simulated network has TCP and UDP between hosts, not Unix domain sockets ({endPoint}): test those on the real network.");
}
