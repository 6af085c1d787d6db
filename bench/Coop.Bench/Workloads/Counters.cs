// Mutable counts the workload coroutines bump, shared by the generator, async and Scheduler kinds
// (a class, so iterators and async methods can share one across tasks).
namespace Coop.Bench.Workloads;

/// <summary>W1: how many switcher tasks finished all their yields.</summary>
internal sealed class Counter
{
    public int Value;
}

/// <summary>W4: how many waiters started (are parked on the event) and finished.</summary>
internal sealed class WaitCount
{
    public int Started;
    public int Finished;
}
