// Hardship: partitions and holds between hosts, set by hand (turmoil's partition/repair/hold/release),
// and the seed's decision for each message, connect, lookup and datagram (FaultRates).
// Each decision is keyed by what it happens to ("client→bank:80 #1: message 3 from 'bank'") and is
// made through the run's PerturbationSource: drawn from the seed, or looked up in a replayed list,
// where anything the list does not name runs nominally. Every fault (and every message whose latency
// moved) is recorded as a Perturbation, which is what shrinking removes.
using System.Globalization;

namespace Coop.Testing;

public sealed partial class Simulation
{
    private readonly Dictionary<(SimulatedHost, SimulatedHost), Link> _links = new();

    /// <summary>Cuts the network between hosts <paramref name="a"/> and <paramref name="b"/>, both
    /// ways, until <see cref="Repair"/>: TCP messages and connects wait (a connect fails after
    /// <see cref="NetworkConditions.ConnectTimeout"/>), UDP datagrams are lost.</summary>
    public void Partition(string a, string b)
    {
        var link = LinkNamed(a, b);
        link.Partitioned = true;
        Log($"partition between '{a}' and '{b}'");
    }

    /// <summary>Heals every partition between <paramref name="a"/> and <paramref name="b"/>, the
    /// test's and the faults': what waited goes on, one latency later.</summary>
    public void Repair(string a, string b)
    {
        var link = LinkNamed(a, b);
        link.Partitioned = false;
        link.FaultPartitions = 0;
        Log($"partition between '{a}' and '{b}' repaired");
        Reopen(link);
    }

    /// <summary>Holds every message between <paramref name="a"/> and <paramref name="b"/> (TCP
    /// and UDP, both ways) until <see cref="Release"/>; nothing is lost.</summary>
    public void Hold(string a, string b)
    {
        LinkNamed(a, b).Held = true;
        Log($"messages between '{a}' and '{b}' held");
    }

    /// <summary>Releases what <see cref="Hold"/> held: it arrives one latency later, in order.</summary>
    public void Release(string a, string b)
    {
        var link = LinkNamed(a, b);
        link.Held = false;
        Log($"messages between '{a}' and '{b}' released");
        Reopen(link);
    }

    internal bool IsBlocked(SimulatedHost from, SimulatedHost to) =>
        from != to && _links.TryGetValue(Key(from, to), out var link) && link.IsBlocked;

    internal bool IsPartitioned(SimulatedHost from, SimulatedHost to) =>
        from != to && _links.TryGetValue(Key(from, to), out var link) && link.IsPartitioned;

    /// <summary>Runs <paramref name="then"/> when nothing blocks the link between the two hosts any more.</summary>
    internal void WhenLinkOpens(SimulatedHost from, SimulatedHost to, Action then) => LinkOf(from, to).Waiting.Add(then);

    /// <summary>How long a message takes on the wire, in loop ticks: the nominal latency, moved by
    /// timing fuzz and jitter (a Timing perturbation keyed "{message}: latency").</summary>
    internal long MessageLatency(string message, object description)
    {
        var nominal = Network.Latency.TotalSeconds;
        var key = message + ": latency";
        double seconds;
        if (Source.IsReplaying)
        {
            if (!Source.TryReplay(key, out var listed))
            {
                return Ticks(Network.Latency);
            }

            seconds = listed.Values[0];
        }
        else if (Source.TimingFuzz > 0 || Network.Jitter > TimeSpan.Zero)
        {
            var factor = 1 + (Source.TimingFuzz * ((2 * Source.NextTiming()) - 1));
            seconds = (nominal * factor) + (Network.Jitter.TotalSeconds * Source.NextTiming());
        }
        else
        {
            return Ticks(Network.Latency);
        }

        var ticks = Ticks(TimeSpan.FromSeconds(seconds));
        if (ticks != Ticks(Network.Latency))
        {
            Source.Record(PerturbationKind.Timing, key, string.Create(CultureInfo.InvariantCulture,
                $"the {description} took {seconds * 1000:0.###} ms instead of {nominal * 1000:0.###} ms"), seconds);
        }

        return ticks;
    }

    /// <summary>What happens to one TCP message (at most one fault), drawn or replayed, and recorded.</summary>
    internal MessageFault DecideMessageFault(string key, SimulatedHost from, SimulatedHost to, int length, object description) =>
        DecideFault(key, from, to, length, description, Faults.MessageTotal, () => DrawMessageFault(length),
            total => string.Create(CultureInfo.InvariantCulture,
                $"The per-message fault rates (Delay, Split, Reset, SenderCrash, ReceiverCrash, Partition) add up to {total}: a message suffers at most one fault, so keep their sum at most 1."));

    /// <summary>Whether connect <paramref name="key"/> is refused although a listener is there.</summary>
    internal bool DecideRefuse(string key) => DecideYesNo(key, Faults.Refuse, "was refused (a fault)");

    /// <summary>Whether lookup <paramref name="key"/> fails.</summary>
    internal bool DecideDnsFailure(string key) => DecideYesNo(key, Faults.DnsFailure, "failed (SocketError.TryAgain, a fault)");

    /// <summary>What happens to one UDP datagram: none, drop, duplicate, reorder, delay or partition.</summary>
    internal MessageFault DecideDatagramFault(string key, SimulatedHost from, SimulatedHost to, object description) =>
        DecideFault(key, from, to, 0, description, Faults.DatagramTotal, DrawDatagramFault,
            total => string.Create(CultureInfo.InvariantCulture,
                $"The per-datagram fault rates (Drop, Duplicate, Reorder, Delay, Partition) add up to {total}: keep their sum at most 1."));

    // One fault or none for one message or datagram: replayed from the list, or drawn from the seed
    // by `draw` when the rates of its kind (summing to `total`) allow one; applied and recorded.
    private MessageFault DecideFault(string key, SimulatedHost from, SimulatedHost to, int length, object description,
        double total, Func<MessageFault> draw, Func<double, string> tooMuch)
    {
        MessageFault fault;
        if (Source.IsReplaying)
        {
            if (!Source.TryReplay(key, out var listed))
            {
                return MessageFault.None;
            }

            fault = new MessageFault((MessageFaultKind)(int)listed.Values[0], (int)listed.Values[1], TimeSpan.FromSeconds(listed.Values[2]));
        }
        else
        {
            if (total == 0)
            {
                return MessageFault.None;
            }

            if (total > 1)
            {
                throw new InvalidOperationException(tooMuch(total));
            }

            fault = draw();
        }

        if (!Applies(fault.Kind, from, to))
        {
            return MessageFault.None;
        }

        if (fault.Kind == MessageFaultKind.Partition)
        {
            StartPartition(from, to, fault.Duration);
        }

        Record(key, $"the {description} {Effect(fault, from, to, length)}", fault);
        return fault;
    }

    private MessageFault DrawMessageFault(int length)
    {
        var rates = Faults;
        var u = Source.NextFault();
        var bound = 0.0;
        if (u < (bound += rates.Delay))
        {
            return new MessageFault(MessageFaultKind.Delay, 0, Fraction(rates.MaxDelay));
        }

        if (u < (bound += rates.Split))
        {
            var offset = length < 2 ? 0 : 1 + (int)(Source.NextFault() * (length - 1));
            return length < 2 ? MessageFault.None : new MessageFault(MessageFaultKind.Split, offset, SplitGap());
        }

        if (u < (bound += rates.Reset))
        {
            return new MessageFault(MessageFaultKind.Reset, (int)(Source.NextFault() * length), TimeSpan.Zero);
        }

        if (u < (bound += rates.SenderCrash))
        {
            return new MessageFault(MessageFaultKind.SenderCrash, 0, Fraction(rates.MaxDowntime));
        }

        if (u < (bound += rates.ReceiverCrash))
        {
            return new MessageFault(MessageFaultKind.ReceiverCrash, 0, Fraction(rates.MaxDowntime));
        }

        return u < bound + rates.Partition
            ? new MessageFault(MessageFaultKind.Partition, 0, Fraction(rates.MaxPartition))
            : MessageFault.None;
    }

    private MessageFault DrawDatagramFault()
    {
        var rates = Faults;
        var u = Source.NextFault();
        var bound = 0.0;
        if (u < (bound += rates.Drop))
        {
            return new MessageFault(MessageFaultKind.Drop, 0, TimeSpan.Zero);
        }

        if (u < (bound += rates.Duplicate))
        {
            return new MessageFault(MessageFaultKind.Duplicate, 0, SplitGap());
        }

        if (u < (bound += rates.Reorder))
        {
            // Late by a few latencies: datagrams sent just after it arrive first.
            var late = Math.Max(Network.Latency.TotalSeconds, 0.001) * (2 + (4 * Source.NextFault()));
            return new MessageFault(MessageFaultKind.Reorder, 0, TimeSpan.FromSeconds(late));
        }

        if (u < (bound += rates.Delay))
        {
            return new MessageFault(MessageFaultKind.Delay, 0, Fraction(rates.MaxDelay));
        }

        return u < bound + rates.Partition
            ? new MessageFault(MessageFaultKind.Partition, 0, Fraction(rates.MaxPartition))
            : MessageFault.None;
    }

    private bool DecideYesNo(string key, double rate, string effect)
    {
        var yes = Source.IsReplaying ? Source.TryReplay(key, out _) : rate > 0 && Source.NextFault() < rate;
        if (yes)
        {
            Record(key, $"the {key} {effect}", new MessageFault(MessageFaultKind.None, 0, TimeSpan.Zero));
        }

        return yes;
    }

    /// <summary>A fault that cannot happen to these hosts (a host that cannot crash, or is down; a
    /// partition of a host with itself) is no fault.</summary>
    private bool Applies(MessageFaultKind kind, SimulatedHost from, SimulatedHost to) => kind switch
    {
        MessageFaultKind.None => false,
        MessageFaultKind.SenderCrash => from.CanCrash && from.IsUp && from != Client,
        MessageFaultKind.ReceiverCrash => to.CanCrash && to.IsUp && to != Client,
        MessageFaultKind.Partition => from != to,
        _ => true,
    };

    private void Record(string key, string description, MessageFault fault)
    {
        Source.Record(PerturbationKind.Fault, key, description, (int)fault.Kind, fault.Offset, fault.Duration.TotalSeconds);
        Log(description);
    }

    private static string Effect(MessageFault fault, SimulatedHost from, SimulatedHost to, int length) => fault.Kind switch
    {
        MessageFaultKind.Delay => $"was held for {Seconds(fault.Duration)}",
        MessageFaultKind.Split => $"arrived in two pieces: {fault.Offset} bytes, then {length - fault.Offset} bytes {Seconds(fault.Duration)} later",
        MessageFaultKind.Reset => fault.Offset == 0
            ? "was lost: the connection was reset before it arrived"
            : $"was cut after {fault.Offset} of its {length} bytes: the connection was reset",
        MessageFaultKind.SenderCrash => $"was lost: '{from.Name}' crashed as it sent it (down for {Seconds(fault.Duration)})",
        MessageFaultKind.ReceiverCrash => $"was lost: '{to.Name}' crashed as it arrived (down for {Seconds(fault.Duration)})",
        MessageFaultKind.Partition => $"was sent as a partition between '{from.Name}' and '{to.Name}' began, lasting {Seconds(fault.Duration)}",
        MessageFaultKind.Drop => "was lost",
        MessageFaultKind.Duplicate => $"arrived twice, {Seconds(fault.Duration)} apart",
        MessageFaultKind.Reorder => $"arrived {Seconds(fault.Duration)} late, after datagrams sent later",
        _ => "",
    };

    private static string Seconds(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s");

    /// <summary>A duration from a tenth of <paramref name="max"/> to all of it.</summary>
    private TimeSpan Fraction(TimeSpan max) => max * (0.1 + (0.9 * Source.NextFault()));

    private TimeSpan SplitGap() => TimeSpan.FromSeconds(Math.Max(Network.Latency.TotalSeconds, 0.001) * (0.5 + Source.NextFault()));

    private void StartPartition(SimulatedHost from, SimulatedHost to, TimeSpan duration)
    {
        var link = LinkOf(from, to);
        link.FaultPartitions++;
        new HealEvent(this, link).ScheduleAt(Loop, Loop.Now() + Ticks(duration));
    }

    private static void Reopen(Link link)
    {
        if (link.IsBlocked || link.Waiting.Count == 0)
        {
            return;
        }

        var waiting = link.Waiting.ToArray();
        link.Waiting.Clear();
        foreach (var then in waiting)
        {
            then();
        }
    }

    private Link LinkNamed(string a, string b)
    {
        CheckLoop(this, raiseCancellation: false);
        var (first, second) = (Host(a), Host(b));
        return first == second
            ? throw new ArgumentException($"'{a}' and '{b}' are the same host: a host always reaches itself.", nameof(b))
            : LinkOf(first, second);
    }

    private Link LinkOf(SimulatedHost a, SimulatedHost b)
    {
        var key = Key(a, b);
        if (!_links.TryGetValue(key, out var link))
        {
            link = new Link();
            _links[key] = link;
        }

        return link;
    }

    private static (SimulatedHost, SimulatedHost) Key(SimulatedHost a, SimulatedHost b) =>
        string.CompareOrdinal(a.Name, b.Name) <= 0 ? (a, b) : (b, a);

    private sealed class HealEvent(Simulation simulation, Link link) : NetworkEvent
    {
        public override void Fire()
        {
            if (link.FaultPartitions > 0)
            {
                link.FaultPartitions--;
                simulation.Log("a partition healed");
                Reopen(link);
            }
        }
    }
}
