// Debug mode (asyncio's, sharper): one of the loop's own instruments, made for every loop whose
// options ask for it (EventLoopOptions.Debug, COOP_DEBUG=1). It reports, as warnings to the loop's
// logger (standard error without one): slow steps, after they end and while they run (the stall
// watchdog: a CPU-bound call, or sync over async when the loop thread is blocked); awaits cut short by
// a cancellation already due (cleanup in a finally block of a canceled scope); coroutines collected
// without ever running (DroppedCoroutines.cs); and, while the loop sleeps, tasks that wait on each
// other in a cycle or on nothing that can ever wake them. It also remembers which task started
// which, for task dumps. docs/diagnostics.md, "When the loop stalls", shows each warning.
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Coop.Diagnostics;

internal sealed class LoopDebugger : LoopInstrument
{
    private static readonly ConditionalWeakTable<EventLoop, LoopDebugger> s_debuggers = [];

    private readonly EventLoop _loop;
    private readonly ILogger? _logger;
    private readonly ConditionalWeakTable<CoopTask, StrongBox<int>> _parents = [];
    private long _stuckReportedAt = -1;
    private long _checks; // the checks are ready items too: progress is what ran besides them
    private string? _cyclesReported;

    private LoopDebugger(EventLoop loop)
    {
        _loop = loop;
        _logger = loop.Options.Logger;
        Watchdog = StallWatchdog.Start(loop, loop.Options.SlowStepThreshold, loopName: null, Stalled, CheckWhileIdle);
        Watchdog.OnSlowStep = report =>
        {
            LoopMetrics.SlowStep();
            Warn(report.ToString(), report.Task);
        };
    }

    /// <summary>The loop's stall watchdog.</summary>
    public StallWatchdog Watchdog { get; }

    /// <summary>The loop's SIGQUIT registration (null where the platform has none), released when the
    /// watchdog's thread ends: the loop closed, disposed or collected.</summary>
    public TaskDumpSignal? Signal { get; private set; }

    /// <summary>Puts <paramref name="loop"/> in debug mode.</summary>
    public static void Attach(EventLoop loop)
    {
        var debugger = new LoopDebugger(loop);
        try
        {
            debugger.Signal = TaskDumpSignal.Register(loop, Console.Error);
            debugger.Watchdog.Stopped = debugger.Signal.Dispose; // holds the registration, not the loop
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGQUIT here (a browser, a mobile OS): dumps are still taken from code.
        }

        s_debuggers.AddOrUpdate(loop, debugger);
        loop.AddOwnInstrument(debugger);
        DroppedCoroutines.Track();
    }

    /// <summary>The debugger of <paramref name="loop"/>, if it is in debug mode.</summary>
    public static LoopDebugger? Of(EventLoop loop) => s_debuggers.TryGetValue(loop, out var debugger) ? debugger : null;

    /// <summary>The id of the task that created <paramref name="task"/>, if its loop is in debug mode and a task did.</summary>
    public static int? ParentOf(CoopTask task) =>
        Of(task.Loop) is { } debugger && debugger._parents.TryGetValue(task, out var parent) ? parent.Value : null;

    public override void TaskCreated(CoopTask task)
    {
        if (CoopTask.Current is { } parent)
        {
            _parents.AddOrUpdate(task, new StrongBox<int>(parent.Id));
        }
    }

    internal override void AwaitedWhileCanceled(CoopTask task)
    {
        var at = AwaitChain.Innermost(task) is { } frame ? SourceLines.Describe(frame) : null;
        var where = at == null ? "" : $" in {at.Method} at {StallReport.Location(at)}";
        Warn(
            $"Cleanup cut short: task {task.Id} ('{task.Name}') awaited{where} while a cancel scope or task group around it was " +
            "canceled, so the await raised CanceledException again at once (a cancellation stays in force until its scope ends). " +
            "Async cleanup in a finally block of a canceled task does not run this way: put it in a shielded scope, " +
            "CancelScope.Shielded(scope => cleanup()) or new CancelScope { Shield = true }, with a deadline of its own.",
            task);
    }

    /// <summary>A warning of debug mode: to the loop's logger, with the task as structured fields,
    /// else to standard error; and to the loop's event source.</summary>
    internal void Warn(string message, CoopTask? task)
    {
        LoopEventSource.Log.Warning(task?.Id ?? -1, task?.Name ?? "", message);
        if (_logger == null)
        {
            Console.Error.WriteLine("Coop debug: " + message);
        }
        else if (task == null)
        {
            _logger.LogWarning("{Message}", message);
        }
        else
        {
            _logger.LogWarning("{Message} [task {TaskId} {TaskName}]", message, task.Id, task.Name);
        }
    }

    private void Stalled(StallReport report)
    {
        Warn(report.ToString(), report.Task);
        LoopEventSource.Log.Stall(report.Task.Id, report.Elapsed.TotalMilliseconds, report.Blocked);
    }

    /// <summary>On the watchdog thread while the loop sleeps: asks the loop to look for tasks stuck for
    /// good (the check reads the loop, so it runs there).</summary>
    private void CheckWhileIdle(EventLoop loop) =>
        loop.TryPostOutcome(static d => ((LoopDebugger)d!).CheckStuck(), this, static _ => { });

    /// <summary>Reports wait cycles (once each) and a loop where every task waits on something nothing
    /// can complete: no timer, no other thread, no socket (once per standstill).</summary>
    private void CheckStuck()
    {
        var progress = _loop.ItemsRun - ++_checks;
        var dump = TaskDump.Read(_loop, consistent: true);
        var cycles = string.Join(";", dump.Graph.Cycles.Select(c => string.Join(",", c)));
        if (cycles.Length > 0 && cycles != _cyclesReported)
        {
            _cyclesReported = cycles;
            Warn("Deadlock: tasks wait for each other in a cycle.\n" + dump.Graph.ToText(), null);
        }

        var nothingCanWake = _loop.TimerHeapCount == 0 && _loop.ForeignWaits == 0 && _loop.IoWaits == 0 && !_loop.HasPosts;
        if (nothingCanWake && dump.Tasks.Count > 0 && dump.Tasks.All(t => t.Status == CoopTaskStatus.Waiting) && _stuckReportedAt != progress)
        {
            _stuckReportedAt = progress;
            Warn("Every task waits, and no timer, socket or other thread can wake any of them: the loop will sleep forever.\n" + dump.ToText(), null);
        }
    }
}
