// What stands between two hosts (in both directions): a partition (set by hand, or by a fault for a
// while) or a hold. While either is on, TCP segments and connects wait at the head of their line and
// go on when the link opens (TCP resends); UDP datagrams are lost in a partition and wait in a hold.
namespace Coop.Testing;

internal sealed class Link
{
    /// <summary>Partitioned by the test (Simulation.Partition) until Repair.</summary>
    public bool Partitioned { get; set; }

    /// <summary>Partitions begun by faults and not healed yet.</summary>
    public int FaultPartitions { get; set; }

    /// <summary>Held by the test (Simulation.Hold) until Release.</summary>
    public bool Held { get; set; }

    public bool IsPartitioned => Partitioned || FaultPartitions > 0;

    public bool IsBlocked => IsPartitioned || Held;

    /// <summary>What waits for the link to open, in the order it began waiting.</summary>
    public List<Action> Waiting { get; } = new();
}
