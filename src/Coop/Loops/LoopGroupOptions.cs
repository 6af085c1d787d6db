namespace Coop;

/// <summary>How a <see cref="LoopGroup"/> is built: how many loops, their names and options, what a
/// failure does, and the stall watchdog.</summary>
public sealed class LoopGroupOptions
{
    /// <summary>How many loops; 0 (the default) for one per core (<see cref="Environment.ProcessorCount"/>).</summary>
    public int LoopCount { get; init; }

    /// <summary>The loops' names are this with the loop's index ("loop-0", "loop-1", ...); their
    /// threads have the same names.</summary>
    public string Name { get; init; } = "loop";

    /// <summary>What the group does when one loop's entry fails; see <see cref="LoopFailurePolicy"/>.</summary>
    public LoopFailurePolicy FailurePolicy { get; init; } = LoopFailurePolicy.StopGroup;

    /// <summary>Makes each loop's options from its index (clock, logger, poller); null for the defaults.</summary>
    public Func<int, EventLoopOptions>? LoopOptions { get; init; }

    /// <summary>When set, a watchdog thread per loop reports every task step that runs longer than
    /// this without awaiting, with the loop, the task and the source line it resumed at (see
    /// <see cref="LoopStall"/>); null (the default) for no watchdog. Each step is then timed, which
    /// costs the loop a little.</summary>
    public TimeSpan? StallThreshold { get; init; }

    /// <summary>Receives each stall the watchdog sees, on the watchdog's thread (never a loop's: the
    /// stalled loop cannot run it). Null writes it to standard error.</summary>
    public Action<LoopStall>? StallReported { get; init; }
}
