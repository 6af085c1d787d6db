// The group's stall watchdog: one background thread that looks at every loop a few times per
// threshold. A loop is stalled when it is awake (not sleeping in its poller or inbox) and its
// iteration count has not moved for the threshold: one iteration has run that long, so some step
// blocks or computes without awaiting. It is reported once per stalled iteration, from this thread,
// since the stalled loop cannot report anything itself.
// What it reads (the iteration count, the task being stepped, that task's innermost coroutine) is
// written by the loop thread without synchronization: a report is a diagnostic snapshot, and a stale
// read can only delay or skip a report, never disturb the loop.
// Where a task last resumed: the innermost coroutine's compiler-generated state machine names the
// method (<Method>d__N in its declaring type). Which await it resumed from cannot be read during the
// stall (a running state machine's state field says "running"), and the source line needs the symbol
// file: both would need a per-step record on the loop thread, which this watchdog does not take.
using System.Runtime.CompilerServices;

namespace Coop.Loops;

internal sealed class LoopStallWatchdog
{
    private readonly LoopShard[] _shards;
    private readonly TimeSpan _threshold;
    private readonly Action<LoopStall> _report;
    private readonly long[] _lastIterations;
    private readonly long[] _sinceTicks;   // when the count was last seen moving (or the loop asleep)
    private readonly bool[] _reported;
    private readonly object _gate = new();
    private bool _stopped; // under _gate; the thread sleeps on it with Monitor.Wait
    private readonly Thread _thread;

    public LoopStallWatchdog(LoopShard[] shards, TimeSpan threshold, Action<LoopStall> report)
    {
        _shards = shards;
        _threshold = threshold;
        _report = report;
        _lastIterations = new long[shards.Length];
        _sinceTicks = new long[shards.Length];
        _reported = new bool[shards.Length];
        _thread = new Thread(Watch) { IsBackground = true, Name = "loop stall watchdog" };
        _thread.Start();
    }

    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Sleeps one period; false once stopped.</summary>
    private bool Sleep(TimeSpan period)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                Monitor.Wait(_gate, period);
            }

            return !_stopped;
        }
    }

    private void Watch()
    {
        var period = TimeSpan.FromTicks(Math.Max(_threshold.Ticks / 4, TimeSpan.TicksPerMillisecond));
        var start = Environment.TickCount64;
        Array.Fill(_sinceTicks, start);
        while (Sleep(period))
        {
            var now = Environment.TickCount64;
            for (var i = 0; i < _shards.Length; i++)
            {
                Look(i, now);
            }
        }
    }

    private void Look(int index, long now)
    {
        var loop = _shards[index].Loop;
        var iterations = loop.Iterations;
        if (iterations != _lastIterations[index] || loop.IsSleeping || !loop.IsRunning)
        {
            _lastIterations[index] = iterations;
            _sinceTicks[index] = now;
            _reported[index] = false;
            return;
        }

        var stalled = TimeSpan.FromMilliseconds(now - _sinceTicks[index]);
        if (stalled < _threshold || _reported[index])
        {
            return;
        }

        _reported[index] = true;
        var task = loop.SteppingTask;
        string? name = null, where = null;
        if (task != null)
        {
            name = task.Name;
            where = DescribeResumePoint(task.Innermost);
        }

        try
        {
            _report(new LoopStall(_shards[index].Name, index, stalled, name, where));
        }
#pragma warning disable CA1031 // a reporter that throws must not end the watchdog
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"Coop: the loop group's stall reporter threw: {e}");
        }
    }

    /// <summary>The method of the innermost coroutine frame of the stalled task: the coroutine the
    /// step resumed, and is still in. Null when there is no frame.</summary>
    internal static string? DescribeResumePoint(object? frame)
    {
        if (frame == null)
        {
            return null;
        }

        var type = frame.GetType();
        var machineType = type.IsGenericType ? type.GetGenericArguments().FirstOrDefault(t => typeof(IAsyncStateMachine).IsAssignableFrom(t)) : null;
        return MethodOf(machineType ?? type);
    }

    private static string MethodOf(Type compilerGenerated)
    {
        // <Method>d__N nested in the declaring type; anything else is named as it is.
        var name = compilerGenerated.Name;
        var declaring = compilerGenerated.DeclaringType?.FullName;
        if (name.StartsWith('<') && name.IndexOf('>', StringComparison.Ordinal) is var end and > 1)
        {
            name = name[1..end];
        }

        return declaring == null ? name : $"{declaring}.{name}";
    }
}
