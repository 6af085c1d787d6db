// The group's stall watchdog: Diagnostics' StallWatchdog (the one debug mode runs) on every loop of
// the group, each naming its loop. It times each task step from the loop's own instrument hook, so a
// loop asleep in its poller or inbox is never reported, and it reads, when the step begins, the
// coroutine the task resumes and the await it resumes from, which the symbols turn into a source line
// at report time. A step that outlives the threshold is reported once while it still runs (again if
// it is first seen computing and then blocked), from the watchdog's thread, since the stalled loop
// cannot report anything itself.
using Coop.Diagnostics;

namespace Coop.Loops;

internal sealed class LoopStallWatchdog
{
    private readonly StallWatchdog[] _watchdogs;

    /// <summary>Starts one watchdog per loop; call before the loops' threads start.</summary>
    public LoopStallWatchdog(LoopShard[] shards, TimeSpan threshold, Action<LoopStall> report)
    {
        _watchdogs = new StallWatchdog[shards.Length];
        for (var i = 0; i < shards.Length; i++)
        {
            var shard = shards[i];
            _watchdogs[i] = StallWatchdog.Start(shard.Loop, threshold, shard.Name, stall => report(ToLoopStall(shard, stall)));
        }
    }

    /// <summary>Stops every watchdog (their loops have ended, or are ending).</summary>
    public void Stop()
    {
        foreach (var watchdog in _watchdogs)
        {
            watchdog.Dispose();
        }
    }

    private static LoopStall ToLoopStall(LoopShard shard, StallReport stall) =>
        new(shard.Name, shard.Index, stall.Elapsed, stall.Task.Id, stall.Task.Name, stall.ResumedAt, stall.Blocked);
}
