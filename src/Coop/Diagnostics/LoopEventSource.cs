// The loop's events for dotnet-trace and EventListener ("Coop-EventLoop"): debug mode's warnings,
// stalls, and the errors the loop reports. Disabled, each call costs one IsEnabled check; the loop's
// hot path emits nothing (per-step events would cost every step, and the timeline trace covers them).
using System.Diagnostics.Tracing;

namespace Coop.Diagnostics;

[EventSource(Name = "Coop-EventLoop")]
internal sealed class LoopEventSource : EventSource
{
    public static readonly LoopEventSource Log = new();

    private LoopEventSource()
    {
    }

    /// <summary>A debug-mode warning (slow step, cleanup cut short, a coroutine never run, a deadlock).</summary>
    [Event(1, Level = EventLevel.Warning, Message = "{2}")]
    public void Warning(int taskId, string taskName, string message)
    {
        if (IsEnabled())
        {
            WriteEvent(1, taskId, taskName, message);
        }
    }

    /// <summary>A step still running past the threshold (the stall watchdog).</summary>
    [Event(2, Level = EventLevel.Warning, Message = "Task {0} has run {1} ms in one step (blocked: {2})")]
    public void Stall(int taskId, double milliseconds, bool blocked)
    {
        if (IsEnabled())
        {
            WriteEvent(2, taskId, milliseconds, blocked);
        }
    }

    /// <summary>An error the loop reported to its exception handler.</summary>
    [Event(3, Level = EventLevel.Error, Message = "{2}")]
    public void Error(int taskId, string taskName, string message, string exception)
    {
        if (IsEnabled())
        {
            WriteEvent(3, taskId, taskName, message, exception);
        }
    }
}
