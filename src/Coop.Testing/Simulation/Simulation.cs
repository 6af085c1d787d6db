// The simulated network of one run (FoundationDB's simulation, TigerBeetle's VOPR, Tokio's turmoil):
// named hosts with addresses, in one process, on the loop's one thread, in virtual time. When a loop
// runs a simulation, the high-level network calls (OpenTcpStreamAsync, ServeTcpAsync, UDP, lookups)
// reach simulated hosts instead of the kernel, so the program under test does not change.
// This file holds the world: its hosts and their names, the nominal conditions, notes and the trace,
// and the time helpers. The rest is split by concept:
//   Simulation.Hosts.cs   - hosts' software and tasks, crash, restart, the end of a run;
//   Simulation.Faults.cs  - partitions and holds, and the seed's decisions for each message;
//   Simulation.Sockets.cs - lookups, connects, listeners and UDP: what the network seam calls.
// Everything runs on the loop thread; every timing and fault is a NetworkEvent timer or a decision
// of the run's PerturbationSource, so a seed replays the whole run.
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Coop.Core;

namespace Coop.Testing;

/// <summary>
/// A simulated network in virtual time: hosts with names and addresses, each running its own
/// coroutine, joined by a network whose latency, bandwidth and faults a test sets and a seed varies.
/// Code under test opens connections, serves and resolves names as usual; when its loop runs a
/// simulation they reach these hosts (see docs/testing.md, "Simulating the network").
/// </summary>
/// <remarks>Get one from <see cref="Explore.Simulate"/> or <see cref="CoopTest.Simulate"/>, which make
/// a fresh simulation for every run, or read <see cref="Current"/> inside such a run. The test body
/// runs on the host <see cref="Client"/>.</remarks>
public sealed partial class Simulation
{
    private static readonly ConditionalWeakTable<EventLoop, Simulation> s_byLoop = new();

    // The simulation whose run is being set up on this thread: the body is called (and reads Current)
    // before its loop starts running.
    [ThreadStatic]
    private static Simulation? t_starting;

    private readonly List<SimulatedHost> _hosts = new();
    private readonly Dictionary<string, SimulatedHost> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<IPAddress, SimulatedHost> _byAddress = new();
    private readonly List<string> _events = new();

    internal Simulation(PerturbationSource source)
    {
        Source = source;
        Stack = new SimulatedNetworkStack(this);
        Client = NewHost("client", software: null);
    }

    /// <summary>The simulation of the loop running on this thread; throws when there is none.</summary>
    public static Simulation Current => EventLoop.TryGetCurrent(out var loop) && s_byLoop.TryGetValue(loop, out var simulation)
        ? simulation
        : t_starting ?? throw new InvalidOperationException(
            "No simulation runs on this loop: run the test with Explore.Simulate, CoopTest.Simulate or [CoopFact(Simulate = true)].");

    /// <summary>The host the test body runs on (named "client", 10.0.0.1). It never crashes.</summary>
    public SimulatedHost Client { get; }

    /// <summary>Every host, the client first, in the order they were added.</summary>
    public IReadOnlyList<SimulatedHost> Hosts => _hosts;

    /// <summary>The network's nominal behaviour: latency, jitter, bandwidth, buffers, timeouts.</summary>
    public NetworkConditions Network { get; } = new();

    /// <summary>How often the seed makes each fault happen (all 0 until the test sets them).</summary>
    public FaultRates Faults { get; } = new();

    /// <summary>Virtual time since the run began.</summary>
    public TimeSpan Now => TimeSpan.FromSeconds(Loop.Time());

    /// <summary>When true, <see cref="Events"/> records every message that arrives, every connect and
    /// every fault, with its time (off by default: a long run makes many).</summary>
    public bool RecordEvents { get; set; }

    /// <summary>What happened, one line each, while <see cref="RecordEvents"/> was on; notes always.</summary>
    public IReadOnlyList<string> Events => _events;

    internal EventLoop Loop { get; private set; } = null!;

    /// <summary>What the loop's network calls reach (EventLoopOptions.NetworkStack).</summary>
    internal SimulatedNetworkStack Stack { get; }

    internal PerturbationSource Source { get; }

    /// <summary>Adds a host named <paramref name="name"/> and starts <paramref name="software"/> on it
    /// as a task of that name; after a crash, <see cref="SimulatedHost.Restart"/> calls the factory
    /// again. Without software the host only has an address (a client the test drives).</summary>
    public SimulatedHost AddHost(string name, Func<Coroutine>? software = null)
    {
        CheckLoop(this, raiseCancellation: false);
        var host = NewHost(name, software);
        if (software != null)
        {
            Start(host);
        }

        return host;
    }

    /// <summary>The host named <paramref name="name"/> (case-insensitive).</summary>
    public SimulatedHost Host(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var host) ? host
            : throw new ArgumentException($"No host is named '{name}': the hosts are {string.Join(", ", _hosts.Select(h => "'" + h.Name + "'"))}.", nameof(name));
    }

    /// <summary>Records a note, in <see cref="Events"/> and in the description of the perturbations
    /// after it ("after 'bank committed transfer 3': the response ... was lost"), so a shrunk failure
    /// reads as a story of the program's own steps.</summary>
    public void Note(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Source.LastNote = text;
        _events.Add(Stamp(text));
    }

    /// <summary>Makes a simulation for a loop that was made without one, on the loop's clock, with
    /// faults drawn from <paramref name="seed"/>: for tests of the simulated streams themselves.</summary>
    internal static Simulation Attach(EventLoop loop, long seed = 0)
    {
        var simulation = new Simulation(PerturbationSource.FromSeed(() => TimeSpan.FromSeconds(loop.Time()), seed, 0));
        simulation.Bind(loop);
        return simulation;
    }

    /// <summary>Binds the simulation to the loop made with its stack (or to a loop of a test).</summary>
    internal void Bind(EventLoop loop)
    {
        Loop = loop;
        s_byLoop.AddOrUpdate(loop, this);
    }

    /// <summary>Makes <see cref="Current"/> return this simulation while a run's body is called.</summary>
    internal static T Starting<T>(Simulation? simulation, Func<T> call)
    {
        var previous = t_starting;
        t_starting = simulation;
        try
        {
            return call();
        }
        finally
        {
            t_starting = previous;
        }
    }

    /// <summary>The simulation a loop runs, or null.</summary>
    internal static Simulation? Of(EventLoop loop) => s_byLoop.TryGetValue(loop, out var simulation) ? simulation : null;

    /// <summary>Throws unless called on this simulation's loop thread (and, for a call that may
    /// wait, raises the calling task's pending cancellation).</summary>
    internal void CheckLoop(object what, bool raiseCancellation)
    {
        if (EventLoop.CurrentOrNull != Loop)
        {
            throw new InvalidOperationException(
                $"{what} belongs to the simulation of another event loop, or was used from another thread: use it from coroutines of the loop it was made on.");
        }

        if (raiseCancellation)
        {
            CoopTask.Current?.ThrowIfCancelRequested();
        }
    }

    /// <summary>A future made for one wait ("wake, then look"): canceling its task cancels it.</summary>
    internal Future NewWait() => new(Loop) { CancelWithWaiter = true };

    /// <summary>A wait that ends after <paramref name="delay"/>, untouched by timing fuzz.</summary>
    internal Future Delay(TimeSpan delay)
    {
        var wait = NewWait();
        new WakeEvent(wait).ScheduleAt(Loop, Loop.Now() + Ticks(delay));
        return wait;
    }

    internal long Ticks(TimeSpan duration) => (long)Math.Round(duration.TotalSeconds * Loop.TimeProvider.TimestampFrequency);

    internal long DueAfterLatency() => Loop.Now() + Ticks(Network.Latency);

    internal long TransmitTicks(int bytes) =>
        Network.Bandwidth > 0 ? (long)Math.Ceiling(bytes / Network.Bandwidth * Loop.TimeProvider.TimestampFrequency) : 0;

    internal void Trace(SimulatedStream from, SimulatedStream to, byte[] data)
    {
        if (RecordEvents)
        {
            Log($"'{from.Host.Name}' -> '{to.Host.Name}': {TcpDirection.Preview(data)} arrived ({from.Connection})");
        }
    }

    internal void Log(string text)
    {
        if (RecordEvents)
        {
            _events.Add(Stamp(text));
        }
    }

    internal SimulatedHost? HostAt(IPAddress address) => _byAddress.GetValueOrDefault(address);

    internal SimulatedHost? HostNamed(string name) => _byName.GetValueOrDefault(name);

    private string Stamp(string text) => string.Create(CultureInfo.InvariantCulture, $"{Now.TotalSeconds,9:0.000} s  {text}");

    private SimulatedHost NewHost(string name, Func<Coroutine>? software)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(name, out _))
        {
            throw new ArgumentException($"'{name}' cannot name a host: it is an address already.", nameof(name));
        }

        if (_byName.ContainsKey(name))
        {
            throw new ArgumentException($"A host named '{name}' exists already: give each host its own name.", nameof(name));
        }

        var number = _hosts.Count + 1;
        var address = new IPAddress([10, 0, (byte)(number >> 8), (byte)(number & 0xFF)]);
        var host = new SimulatedHost(this, name, address, software);
        _hosts.Add(host);
        _byName[name] = host;
        _byAddress[address] = host;
        return host;
    }

    /// <summary>Completes a wait when due.</summary>
    private sealed class WakeEvent(Future wait) : NetworkEvent
    {
        public override void Fire() => wait.TrySetResultObject(null);
    }
}
