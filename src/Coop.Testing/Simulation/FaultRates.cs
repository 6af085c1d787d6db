// The hardship the seed decides (FoundationDB's buggify, Jepsen's nemeses, turmoil's fail rate): for
// each message, connect and lookup, the chance of each fault. Each fault a run suffers is a
// Perturbation with a key, so a failing run shrinks to the faults it needs. Faults a test wants at a
// given moment are set by hand instead (Simulation.Partition, Crash, Hold, ...).
namespace Coop.Testing;

/// <summary>How often the seed makes each fault happen (<see cref="Simulation.Faults"/>): every rate
/// is a probability per message (or per connect, per lookup, per datagram), 0 by default. A message
/// suffers at most one fault; the rates of one kind of message add up to at most 1.</summary>
public sealed class FaultRates
{
    private double _delay;
    private double _split;
    private double _reset;
    private double _senderCrash;
    private double _receiverCrash;
    private double _partition;
    private double _refuse;
    private double _dnsFailure;
    private double _drop;
    private double _duplicate;
    private double _reorder;
    private TimeSpan _maxDelay = TimeSpan.FromSeconds(2);
    private TimeSpan _maxDowntime = TimeSpan.FromSeconds(2);
    private TimeSpan _maxPartition = TimeSpan.FromSeconds(10);

    /// <summary>A TCP message (or datagram) is held, then released after up to <see cref="MaxDelay"/>;
    /// on a connection, the messages after it wait behind it.</summary>
    public double Delay { get => _delay; set => _delay = Rate(value, nameof(Delay)); }

    /// <summary>A TCP message arrives in two pieces, the second a little later: code that expects one
    /// receive per message breaks.</summary>
    public double Split { get => _split; set => _split = Rate(value, nameof(Split)); }

    /// <summary>The connection is reset at a byte of the message: the peer receives the bytes before
    /// it, then both ends see <c>ConnectionReset</c> (at byte 0 the message is lost).</summary>
    public double Reset { get => _reset; set => _reset = Rate(value, nameof(Reset)); }

    /// <summary>The sending host crashes as it sends the message (the message is lost): its tasks are
    /// canceled, its connections reset, and it restarts after up to <see cref="MaxDowntime"/>. Only
    /// hosts with software crash (<see cref="SimulatedHost.CanCrash"/>).</summary>
    public double SenderCrash { get => _senderCrash; set => _senderCrash = Rate(value, nameof(SenderCrash)); }

    /// <summary>The receiving host crashes as the message arrives (the message is lost), and restarts
    /// after up to <see cref="MaxDowntime"/>.</summary>
    public double ReceiverCrash { get => _receiverCrash; set => _receiverCrash = Rate(value, nameof(ReceiverCrash)); }

    /// <summary>A partition between the message's two hosts begins as it is sent, and heals after up
    /// to <see cref="MaxPartition"/>: TCP messages wait for the repair, datagrams are lost.</summary>
    public double Partition { get => _partition; set => _partition = Rate(value, nameof(Partition)); }

    /// <summary>A connect is refused although a listener is there (a full backlog, a firewall).</summary>
    public double Refuse { get => _refuse; set => _refuse = Rate(value, nameof(Refuse)); }

    /// <summary>A host-name lookup fails (<c>SocketError.TryAgain</c>).</summary>
    public double DnsFailure { get => _dnsFailure; set => _dnsFailure = Rate(value, nameof(DnsFailure)); }

    /// <summary>A UDP datagram is lost.</summary>
    public double Drop { get => _drop; set => _drop = Rate(value, nameof(Drop)); }

    /// <summary>A UDP datagram arrives twice.</summary>
    public double Duplicate { get => _duplicate; set => _duplicate = Rate(value, nameof(Duplicate)); }

    /// <summary>A UDP datagram is delayed enough that datagrams sent after it arrive first.</summary>
    public double Reorder { get => _reorder; set => _reorder = Rate(value, nameof(Reorder)); }

    /// <summary>The longest a held message waits (default 2 s).</summary>
    public TimeSpan MaxDelay { get => _maxDelay; set => _maxDelay = Positive(value, nameof(MaxDelay)); }

    /// <summary>The longest a crashed host stays down before it restarts (default 2 s).</summary>
    public TimeSpan MaxDowntime { get => _maxDowntime; set => _maxDowntime = Positive(value, nameof(MaxDowntime)); }

    /// <summary>The longest a partition lasts (default 10 s).</summary>
    public TimeSpan MaxPartition { get => _maxPartition; set => _maxPartition = Positive(value, nameof(MaxPartition)); }

    internal double MessageTotal => _delay + _split + _reset + _senderCrash + _receiverCrash + _partition;

    internal double DatagramTotal => _drop + _duplicate + _reorder + _delay + _partition;

    private static double Rate(double value, string name) => value is >= 0 and <= 1 ? value
        : throw new ArgumentOutOfRangeException(name, value, "A rate is a probability: give a number from 0 to 1.");

    private static TimeSpan Positive(TimeSpan value, string name) => value > TimeSpan.Zero ? value
        : throw new ArgumentOutOfRangeException(name, value, "Give a positive duration.");
}
