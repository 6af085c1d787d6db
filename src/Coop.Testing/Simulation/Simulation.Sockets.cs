// The simulated side of the network seam (SimulatedNetworkStack calls these): host-name lookups, TCP
// connects, listeners and UDP ports, each made as the calling task's host (Simulation.Hosts.cs). The
// runtime's high-level calls (Network.OpenTcpStreamAsync, ServeTcpAsync, UdpSocket.Bind, lookups)
// land here when the loop runs a simulation. Names resolve to hosts (case-insensitive); "localhost"
// and 127.0.0.1 reach the calling host itself.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Coop.Testing;

public sealed partial class Simulation
{
    private readonly Dictionary<string, int> _connections = new(StringComparer.Ordinal);

    /// <summary>Resolves a host name after one latency (the seam is never given an address
    /// literal): an unknown name fails with HostNotFound, a lookup fault with TryAgain. Hosts have
    /// IPv4 addresses only: asked for IPv6 alone, a name has none (HostNotFound).</summary>
    internal async Coroutine<IPAddress[]> ResolveAsync(string name, AddressFamily family)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CheckLoop(this, raiseCancellation: true);
        var host = CallingHost();
        await Delay(Network.Latency);
        var owner = $"lookup of '{name}' by '{host.Name}'";
        var key = string.Create(CultureInfo.InvariantCulture, $"lookup {Source.Next(owner)} of '{name}' by '{host.Name}'");
        if (DecideDnsFailure(key))
        {
            throw new SocketException((int)SocketError.TryAgain);
        }

        var address = name.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : _byName.TryGetValue(name, out var target) ? target.Address
            : null;
        if (address == null || family == AddressFamily.InterNetworkV6)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return [address];
    }

    /// <summary>One TCP connect to <paramref name="remote"/>: refused when nothing listens there or
    /// its host is down, TimedOut when no answer comes within <see cref="NetworkConditions.ConnectTimeout"/>
    /// (an address no host has never answers). Canceled, it leaves no connection behind.</summary>
    internal async Coroutine<SocketStream> ConnectAsync(IPEndPoint remote)
    {
        CheckLoop(this, raiseCancellation: true);
        var from = CallingHost();
        var to = IPAddress.IsLoopback(remote.Address) ? from : HostAt(remote.Address);
        var target = string.Create(CultureInfo.InvariantCulture, $"{to?.Name ?? remote.Address.ToString()}:{remote.Port}");
        var owner = $"connects from '{from.Name}' to {target}";
        var key = string.Create(CultureInfo.InvariantCulture, $"connect {Source.Next(owner)} from '{from.Name}' to {target}");
        var attempt = new ConnectAttempt(this, from, to, remote.Port, key);
        attempt.Start(refuse: to != null && DecideRefuse(key));
        var done = false;
        try
        {
            await attempt.WaitAsync();
            switch (attempt.Outcome)
            {
                case ConnectOutcome.Established:
                    done = true;
                    Log($"'{from.Name}' connected to {target} ({attempt.Stream!.Connection})");
                    return attempt.Stream;
                case ConnectOutcome.TimedOut:
                    Log($"'{from.Name}' gave up connecting to {target}: no answer");
                    throw new SocketException((int)SocketError.TimedOut);
                default:
                    Log($"'{from.Name}' was refused by {target}");
                    throw new SocketException((int)SocketError.ConnectionRefused);
            }
        }
        finally
        {
            if (!done)
            {
                attempt.Abandon();
            }
        }
    }

    /// <summary>Listens on the calling host (port 0: a free ephemeral port). The address must be
    /// the host's, a loopback or a wildcard one; the listener takes connections to any of them.</summary>
    internal SimulatedListener Listen(IPEndPoint local, int backlog)
    {
        var host = LocalHost(local);
        var port = local.Port == 0 ? host.AllocatePort() : local.Port;
        if (host.Listeners.ContainsKey(port))
        {
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        }

        var listener = new SimulatedListener(this, host, port, Math.Max(backlog, 1));
        host.Listeners[port] = listener;
        Log($"'{host.Name}' listens on port {port.ToString(CultureInfo.InvariantCulture)}");
        return listener;
    }

    /// <summary>Binds a UDP port of the calling host (port 0: a free ephemeral port).</summary>
    internal SimulatedDatagramSocket BindDatagram(IPEndPoint local)
    {
        var host = LocalHost(local);
        var port = local.Port == 0 ? host.AllocatePort() : local.Port;
        if (host.Datagrams.ContainsKey(port))
        {
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        }

        var socket = new SimulatedDatagramSocket(this, host, port);
        host.Datagrams[port] = socket;
        return socket;
    }

    /// <summary>The two ends of a new connection, named "client→bank:80 #1" (the first from that
    /// host to that port).</summary>
    internal (SimulatedStream Client, SimulatedStream Server) NewConnection(SimulatedHost from, SimulatedHost to, int port, string attempt)
    {
        var pair = $"{from.Name}→{to.Name}:{port.ToString(CultureInfo.InvariantCulture)}";
        _connections.TryGetValue(pair, out var n);
        _connections[pair] = ++n;
        var name = string.Create(CultureInfo.InvariantCulture, $"{pair} #{n}");
        Log($"{attempt} reached '{to.Name}': connection {name}");
        return SimulatedStream.Connect(this, from, new IPEndPoint(from.Address, from.AllocatePort()), to, new IPEndPoint(to.Address, port), name);
    }

    /// <summary>Puts a datagram on the wire: latency, the seed's fault, then delivery (or not).</summary>
    internal void SendDatagram(SimulatedDatagramSocket socket, byte[] data, IPEndPoint remote)
    {
        var from = socket.Host;
        var to = IPAddress.IsLoopback(remote.Address) ? from : HostAt(remote.Address);
        var port = remote.Port;
        if (to == null)
        {
            return; // no such host: UDP says nothing
        }

        var owner = $"datagrams from {socket.LocalEndPoint}";
        var m = Source.Next(owner);
        var key = string.Create(CultureInfo.InvariantCulture, $"datagram {m} from '{from.Name}':{socket.LocalEndPoint.Port} to '{to.Name}':{port}");
        var description = new DatagramDescription(key, data);
        var due = Loop.Now() + MessageLatency(key, description);
        var fault = DecideDatagramFault(key, from, to, description);
        if (fault.Kind == MessageFaultKind.Drop || IsPartitioned(from, to))
        {
            return;
        }

        due += fault.Kind is MessageFaultKind.Delay or MessageFaultKind.Reorder ? Ticks(fault.Duration) : 0;
        var arrival = new DatagramEvent(this, to, port, data, socket.LocalEndPoint);
        arrival.ScheduleAt(Loop, due);
        if (fault.Kind == MessageFaultKind.Duplicate)
        {
            new DatagramEvent(this, to, port, data, socket.LocalEndPoint).ScheduleAt(Loop, due + Ticks(fault.Duration));
        }
    }

    /// <summary>The calling host, if <paramref name="local"/> is one of its addresses.</summary>
    private SimulatedHost LocalHost(IPEndPoint local)
    {
        CheckLoop(this, raiseCancellation: false);
        var host = CallingHost();
        var address = local.Address;
        if (!(address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address) || address.Equals(host.Address)))
        {
            throw new SocketException((int)SocketError.AddressNotAvailable);
        }

        return host;
    }

    private readonly struct DatagramDescription(string key, byte[] data)
    {
        public override string ToString() => $"{key}, {TcpDirection.Preview(data)}";
    }

    /// <summary>A datagram reaches its host: lost in a partition, held by a hold, dropped by a host
    /// that is down or a port nobody bound.</summary>
    private sealed class DatagramEvent(Simulation simulation, SimulatedHost to, int port, byte[] data, IPEndPoint from) : NetworkEvent
    {
        public override void Fire()
        {
            var sender = simulation.HostAt(from.Address)!;
            if (simulation.IsPartitioned(sender, to))
            {
                return;
            }

            if (simulation.IsBlocked(sender, to))
            {
                simulation.WhenLinkOpens(sender, to, () => ScheduleAt(simulation.Loop, simulation.DueAfterLatency()));
                return;
            }

            if (to.IsUp && to.Datagrams.TryGetValue(port, out var socket))
            {
                socket.Arrive(data, from);
            }
        }
    }
}
