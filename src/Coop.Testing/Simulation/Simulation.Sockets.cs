// The simulated side of the network seam: host-name lookups, TCP connects, listeners and UDP ports,
// each made as the calling task's host (Simulation.Hosts.cs). The runtime's high-level calls
// (OpenTcpStreamAsync, ServeTcpAsync, UDP, lookups) land here when the loop runs a simulation.
// Names resolve to hosts (case-insensitive), "localhost" and 127.0.0.1 to the calling host itself.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Coop.Testing;

public sealed partial class Simulation
{
    private readonly Dictionary<string, int> _connections = new(StringComparer.Ordinal);

    /// <summary>Resolves a host name (or an address literal) after one latency; an unknown name
    /// fails with HostNotFound, a lookup fault with TryAgain.</summary>
    internal async Coroutine<IPAddress[]> ResolveAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CheckLoop(this, raiseCancellation: true);
        var host = CallingHost();
        if (IPAddress.TryParse(name, out var literal))
        {
            return [literal];
        }

        await Delay(Network.Latency);
        var owner = $"lookup of '{name}' by '{host.Name}'";
        var key = string.Create(CultureInfo.InvariantCulture, $"lookup {Source.Next(owner)} of '{name}' by '{host.Name}'");
        if (DecideDnsFailure(key))
        {
            throw new SocketException((int)SocketError.TryAgain);
        }

        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback];
        }

        return _byName.TryGetValue(name, out var target) ? [target.Address] : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Opens a TCP connection to <paramref name="host"/> (a name or an address) and
    /// <paramref name="port"/>: refused when nothing listens there or the host is down, TimedOut when
    /// no answer comes within <see cref="NetworkConditions.ConnectTimeout"/>. Canceled, it leaves no
    /// connection behind.</summary>
    internal async Coroutine<ByteStream> ConnectAsync(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        CheckLoop(this, raiseCancellation: true);
        var from = CallingHost();
        var address = (await ResolveAsync(host))[0];
        var to = IPAddress.IsLoopback(address) ? from : HostAt(address);
        var owner = $"connects from '{from.Name}' to {host}:{port}";
        var key = string.Create(CultureInfo.InvariantCulture, $"connect {Source.Next(owner)} from '{from.Name}' to {host}:{port}");
        var attempt = new ConnectAttempt(this, from, to, port, key);
        attempt.Start(refuse: to != null && DecideRefuse(key));
        var done = false;
        try
        {
            await attempt.WaitAsync();
            switch (attempt.Outcome)
            {
                case ConnectOutcome.Established:
                    done = true;
                    Log($"'{from.Name}' connected to {host}:{port} ({attempt.Stream!.Connection})");
                    return attempt.Stream;
                case ConnectOutcome.TimedOut:
                    throw new SocketException((int)SocketError.TimedOut);
                default:
                    Log($"'{from.Name}' was refused by {host}:{port}");
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

    /// <summary>Listens on <paramref name="port"/> of the calling host (0: a free ephemeral port).</summary>
    internal SimulatedListener Listen(int port)
    {
        CheckPort(port);
        var host = CallingHost();
        port = port == 0 ? host.AllocatePort() : port;
        if (host.Listeners.ContainsKey(port))
        {
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        }

        var listener = new SimulatedListener(this, host, port);
        host.Listeners[port] = listener;
        Log($"'{host.Name}' listens on port {port.ToString(CultureInfo.InvariantCulture)}");
        return listener;
    }

    /// <summary>Binds a UDP port of the calling host (0: a free ephemeral port).</summary>
    internal SimulatedDatagramSocket BindDatagram(int port)
    {
        CheckPort(port);
        var host = CallingHost();
        port = port == 0 ? host.AllocatePort() : port;
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
    internal void SendDatagram(SimulatedDatagramSocket socket, byte[] data, EndPoint remote)
    {
        var from = socket.Host;
        var (to, port) = remote switch
        {
            IPEndPoint ip => (IPAddress.IsLoopback(ip.Address) ? from : HostAt(ip.Address), ip.Port),
            DnsEndPoint dns => (dns.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? from : HostNamed(dns.Host), dns.Port),
            _ => throw new ArgumentException($"A simulated UDP socket sends to an IPEndPoint or a DnsEndPoint, not a {remote.GetType().Name}.", nameof(remote)),
        };
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

    private void CheckPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        CheckLoop(this, raiseCancellation: false);
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
