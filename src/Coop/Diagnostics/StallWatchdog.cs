// A thread that notices a loop stuck inside one step: the loop itself cannot, since the step never
// hands control back. The loop marks the start and end of each task step (this is one of its own
// instruments); the watchdog wakes a few times per threshold and, if the same step is still running
// past the threshold, reports it once, with the task, the coroutine it resumed and the line it
// resumed at (read when the step began: while it runs, the state machine says only "running"). The
// loop thread's state tells computing (a CPU-bound call) from blocked (sync over async).
// Debug mode runs one per loop; a loop group runs one per loop of the group.
// Steps are timed with the coarse millisecond clock (Environment.TickCount64): the loop reads it twice
// per step, and a precise timestamp would cost more than a short step itself; thresholds are tens of
// milliseconds or more, where a few milliseconds of resolution do not matter.
// The thread holds the watchdog (and so the loop) only weakly, between looks: a loop dropped without
// Close is still collected, and the thread then ends and runs its Stopped action (debug mode releases
// the loop's SIGQUIT registration there), as it does when the loop is closed or the watchdog disposed.
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Coop.Diagnostics;

/// <summary>Watches one loop for steps longer than a threshold, from a thread of its own.</summary>
internal sealed class StallWatchdog : LoopInstrument, IDisposable
{
    private readonly EventLoop _loop;
    private readonly long _thresholdMs;
    private readonly Action<StallReport> _onStall;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stopped = new();
    private readonly StrongBox<Action?> _onExit = new(); // held by the thread too: it runs even once the watchdog is collected
    private readonly string? _loopName;
    private readonly TimeSpan _period;
    private Thread? _loopThread;
    private long _stepStart;   // Environment.TickCount64 when the running step began; 0 between steps
    private long _stepNumber;  // counts steps, so one long step is reported once
    private CoopTask? _task;
    private object? _resumedFrame;
    private int? _resumedState;
    private Type? _readerType; // the frame type _readState was made for: tasks of one kind repeat it
    private Func<object, int>? _readState;

    private StallWatchdog(EventLoop loop, TimeSpan threshold, string? loopName, Action<StallReport> onStall, Action<EventLoop>? whileIdle)
    {
        Threshold = threshold;
        _loop = loop;
        _thresholdMs = (long)Math.Ceiling(threshold.TotalMilliseconds);
        _onStall = onStall;
        _loopName = loopName;
        WhileIdle = whileIdle;
        _period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, threshold.Ticks / 4));
        var self = new WeakReference<StallWatchdog>(this);
        var onExit = _onExit;
        _thread = new Thread(() => Watch(self, onExit)) { IsBackground = true, Name = "Coop stall watchdog" + (loopName == null ? "" : ": " + loopName) };
    }

    /// <summary>Called on the watchdog thread when it stops: the loop closed or collected, or the
    /// watchdog disposed. It must not need the loop (which may be gone).</summary>
    public Action? Stopped
    {
        get => _onExit.Value;
        set => _onExit.Value = value;
    }

    /// <summary>The watchdog's thread (tests wait for it to end).</summary>
    internal Thread WatchThread => _thread;

    /// <summary>How long a step may run.</summary>
    public TimeSpan Threshold { get; }

    /// <summary>Called on the loop thread after a step that ran longer than the threshold (debug mode
    /// reports it with its full duration); null for none.</summary>
    public Action<StallReport>? OnSlowStep { get; set; }

    /// <summary>Called on the watchdog thread about once a second while the loop sleeps (debug mode
    /// posts its deadlock check from it); null for none.</summary>
    private Action<EventLoop>? WhileIdle { get; }

    /// <summary>Starts watching <paramref name="loop"/>: <paramref name="onStall"/> is called on the
    /// watchdog's thread, once per step that runs longer than <paramref name="threshold"/>, while it
    /// still runs. Dispose the watchdog to stop it.</summary>
    /// <param name="loop">The loop to watch (steps of its tasks are timed).</param>
    /// <param name="threshold">How long a step may run.</param>
    /// <param name="loopName">How reports name the loop ("loop 2 of the group"); null for a lone loop.</param>
    /// <param name="onStall">What to do with a report; it must be thread-safe (it runs while the loop is stuck).</param>
    /// <param name="whileIdle">Called now and then on the watchdog thread while the loop sleeps.</param>
    public static StallWatchdog Start(EventLoop loop, TimeSpan threshold, string? loopName, Action<StallReport> onStall, Action<EventLoop>? whileIdle = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(onStall);
        if (threshold <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "A stall threshold must be positive.");
        }

        var watchdog = new StallWatchdog(loop, threshold, loopName, onStall, whileIdle);
        loop.AddOwnInstrument(watchdog);
        watchdog._thread.Start();
        return watchdog;
    }

    private int? ReadState(object frame)
    {
        var type = frame.GetType();
        if (type != _readerType)
        {
            _readState = SourceLines.StateReaderOf(type);
            _readerType = type;
        }

        return _readState?.Invoke(frame);
    }

    /// <summary>The task of the step running now, with the frame and state it resumed from.</summary>
    public override void BeforeTaskStep(CoopTask task)
    {
        _loopThread ??= Thread.CurrentThread;
        _task = task;
        _resumedFrame = AwaitChain.Innermost(task);
        _resumedState = _resumedFrame == null ? null : ReadState(_resumedFrame);
        _stepNumber++;
        Volatile.Write(ref _stepStart, Environment.TickCount64);
    }

    /// <inheritdoc />
    public override void AfterTaskStep(CoopTask task)
    {
        var start = _stepStart;
        Volatile.Write(ref _stepStart, 0);
        if (OnSlowStep is { } onSlowStep && Environment.TickCount64 - start is var elapsed && elapsed > _thresholdMs)
        {
            onSlowStep(new StallReport(_loopName, task, TimeSpan.FromMilliseconds(elapsed), ResumedAt(), Blocked: false, Ended: true));
        }
    }

    /// <summary>Where the step running now (or the last one) resumed: the frame and its line.</summary>
    internal CoroutineFrame? ResumedAt()
    {
        var frame = _resumedFrame;
        return frame == null ? null : SourceLines.DescribeAt(frame, _resumedState);
    }

    /// <summary>Stops the thread and leaves the loop.</summary>
    public void Dispose()
    {
        if (_stopped.IsSet)
        {
            return;
        }

        _stopped.Set();

        if (!_loop.IsRunning || _loop.IsOnLoopThread)
        {
            _loop.RemoveOwnInstrument(this);
        }
        else
        {
            _loop.CallSoonThreadsafe(() => _loop.RemoveOwnInstrument(this));
        }
    }

    private static void Watch(WeakReference<StallWatchdog> self, StrongBox<Action?> onExit)
    {
        try
        {
            WatchWhileAlive(self);
        }
        finally
        {
            try
            {
                onExit.Value?.Invoke();
            }
            catch (Exception ex)
            {
                // An exception on this thread would end the process: say it instead.
                Console.Error.WriteLine($"Coop: the stall watchdog's cleanup failed: {ex}");
            }
        }
    }

    private static void WatchWhileAlive(WeakReference<StallWatchdog> self)
    {
        var reported = (Step: -1L, Blocked: false);
        var idleChecks = 0L;
        while (self.TryGetTarget(out var watchdog) && watchdog.WatchOnce(ref reported, ref idleChecks))
        {
            var stopped = watchdog._stopped;
            var period = watchdog._period;
            watchdog = null; // not held while waiting: the loop may be collected meanwhile
            stopped.Wait(period); // set: WatchOnce sees it next and stops
        }
    }

    /// <summary>One look at the loop; false once the watchdog should stop.</summary>
    private bool WatchOnce(ref (long Step, bool Blocked) reported, ref long idleChecks)
    {
        if (_stopped.IsSet || _loop.IsClosed)
        {
            return false;
        }

        var start = Volatile.Read(ref _stepStart);
        var number = _stepNumber;
        var elapsed = Environment.TickCount64 - start;
        if (start != 0 && elapsed > _thresholdMs && _task is { } task)
        {
            // Once per step, and once more if a step first seen computing is then seen blocked.
            var blocked = _loopThread is { } thread && (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0;
            if (number != reported.Step || (blocked && !reported.Blocked))
            {
                reported = (number, blocked);
                Say(new StallReport(_loopName, task, TimeSpan.FromMilliseconds(elapsed), ResumedAt(), blocked, Ended: false));
            }
        }

        if (WhileIdle != null && start == 0 && _loop.IsRunning && _loop.IsSleeping
            && ++idleChecks % Math.Max(1, TimeSpan.TicksPerSecond / _period.Ticks) == 0)
        {
            WhileIdle(_loop);
        }

        return true;
    }

    private void Say(StallReport report)
    {
        try
        {
            _onStall(report);
        }
        catch (Exception ex)
        {
            // The watchdog's thread must go on watching: a failing reporter is said on stderr.
            Console.Error.WriteLine($"Coop: the stall watchdog's report failed: {ex}");
        }
    }
}
