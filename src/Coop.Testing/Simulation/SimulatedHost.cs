// A machine of the simulated network: a name that resolves to an address, the software it runs (a
// coroutine, started again after a crash), and what belongs to the incarnation running now: its
// tasks (Simulation.Hosts.cs tracks them), connections, listeners and UDP ports. A crash ends them
// all at once; a restart starts the software anew, with the same name and address. What a host must
// remember across a crash (its "disk") is whatever the software's factory captures.
using System.Net;

namespace Coop.Testing;

/// <summary>A host of a <see cref="Simulation"/>: a name, an address, and software that runs as its
/// own task. Its tasks (and the tasks they start) use the network as this host.</summary>
public sealed class SimulatedHost
{
    private readonly Simulation _simulation;
    private int _nextPort = 49152;

    internal SimulatedHost(Simulation simulation, string name, IPAddress address, Func<Coroutine>? software)
    {
        _simulation = simulation;
        Name = name;
        Address = address;
        Software = software;
        CanCrash = software != null;
    }

    /// <summary>Its name: what a lookup resolves (case-insensitive), and what traces say.</summary>
    public string Name { get; }

    /// <summary>Its address on the simulated network (10.0.0.1 is the client, then 10.0.0.2, ...).</summary>
    public IPAddress Address { get; }

    /// <summary>False while it is crashed.</summary>
    public bool IsUp { get; internal set; } = true;

    /// <summary>Whether the seed's crash faults may crash it (<see cref="FaultRates.SenderCrash"/>,
    /// <see cref="FaultRates.ReceiverCrash"/>): true for a host with software, false for the client.</summary>
    public bool CanCrash { get; set; }

    /// <summary>How many times it crashed.</summary>
    public int Crashes { get; internal set; }

    /// <summary>The task running its software now (null without software, or while it is down).</summary>
    public CoopTask? Task { get; internal set; }

    internal Func<Coroutine>? Software { get; }

    /// <summary>Counts incarnations: tasks and sockets of an earlier one are dead.</summary>
    internal int Generation { get; set; }

    internal Handle? PendingRestart { get; set; }

    internal List<SimulatedStream> Streams { get; } = new();

    internal Dictionary<int, SimulatedListener> Listeners { get; } = new();

    internal Dictionary<int, SimulatedDatagramSocket> Datagrams { get; } = new();

    /// <summary>Crashes it now: its tasks are canceled, its connections reset, its listeners and UDP
    /// ports closed. It stays down until <see cref="Restart"/>.</summary>
    public void Crash() => _simulation.Crash(this, downtime: null, cause: "crashed by the test");

    /// <summary>Starts it again after a crash: its software runs anew, as a new task.</summary>
    public void Restart() => _simulation.Restart(this);

    /// <inheritdoc />
    public override string ToString() => $"host '{Name}' ({Address}{(IsUp ? "" : ", down")})";

    /// <summary>An ephemeral port not in use on this host.</summary>
    internal int AllocatePort()
    {
        for (var i = 0; i < 16384; i++)
        {
            var port = _nextPort;
            _nextPort = _nextPort == 65535 ? 49152 : _nextPort + 1;
            if (!Listeners.ContainsKey(port) && !Datagrams.ContainsKey(port) && !Streams.Exists(s => s.Local.Port == port))
            {
                return port;
            }
        }

        throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AddressAlreadyInUse);
    }
}
