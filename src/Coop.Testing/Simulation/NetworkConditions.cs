// The nominal behaviour of the simulated network, set by a test: how long a message takes, how fast
// bytes flow, how much a connection buffers, how long a connect waits. What the seed varies on top
// (timing fuzz, faults) is in ExploreOptions.TimingFuzz and FaultRates.
namespace Coop.Testing;

/// <summary>How the simulated network behaves when nothing goes wrong (<see cref="Simulation.Network"/>).
/// Change it at any time in a test; each message uses the values in force when it is sent.</summary>
public sealed class NetworkConditions
{
    private TimeSpan _latency = TimeSpan.FromMilliseconds(1);
    private TimeSpan _jitter;
    private double _bandwidth;
    private int _bufferSize = 64 * 1024;
    private TimeSpan _connectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>One-way latency of every message, connect and lookup (default 1 ms).</summary>
    public TimeSpan Latency
    {
        get => _latency;
        set => _latency = NonNegative(value, nameof(Latency));
    }

    /// <summary>Up to this much extra delay per message, drawn from the seed (default none). A TCP
    /// message never overtakes an earlier one on its connection; UDP datagrams can.</summary>
    public TimeSpan Jitter
    {
        get => _jitter;
        set => _jitter = NonNegative(value, nameof(Jitter));
    }

    /// <summary>Bytes per second each direction of a connection carries, or 0 for no limit (the
    /// default). A message waits for the ones before it to be transmitted.</summary>
    public double Bandwidth
    {
        get => _bandwidth;
        set => _bandwidth = double.IsFinite(value) && value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(Bandwidth), value, "Give a number of bytes per second, or 0 for no limit.");
    }

    /// <summary>Bytes one direction of a connection holds, sent but not yet received by the peer
    /// (the two kernels' buffers together; default 64 KiB): a sender waits while it is full.</summary>
    public int BufferSize
    {
        get => _bufferSize;
        set => _bufferSize = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(BufferSize), value, "A connection buffers at least one byte.");
    }

    /// <summary>How long a connect waits for an answer (a partition, a held message) before it fails
    /// with <c>SocketError.TimedOut</c> (default 30 s).</summary>
    public TimeSpan ConnectTimeout
    {
        get => _connectTimeout;
        set => _connectTimeout = value > TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), value, "Give a positive duration.");
    }

    private static TimeSpan NonNegative(TimeSpan value, string name) => value >= TimeSpan.Zero ? value
        : throw new ArgumentOutOfRangeException(name, value, "Give a duration of zero or more.");
}
