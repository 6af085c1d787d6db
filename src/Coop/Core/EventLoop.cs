// The event loop: one thread, a ready queue, a timer heap and an inbox (asyncio's BaseEventLoop).
// This file holds the life of the loop (run, stop, close) and its one iteration, RunOnce.
// Scheduling calls are in EventLoop.Scheduling.cs, tasks in EventLoop.Tasks.cs, error reporting in
// EventLoop.Errors.cs, time conversions in EventLoop.Time.cs. Everything here runs on the loop
// thread; the only door from other threads is CallSoonThreadsafe, through Inbox.
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Coop.Core;
using Microsoft.Extensions.Logging;

namespace Coop;

/// <summary>
/// A single-threaded event loop: it runs ready callbacks and coroutine steps in FIFO order, fires
/// timers, and sleeps with zero CPU until the next deadline or a wake-up from another thread.
/// </summary>
/// <remarks>Names follow asyncio's (<c>call_soon</c> is <see cref="CallSoon(Action)"/>,
/// <c>run_until_complete</c> is <see cref="RunUntilComplete(Future)"/>, ...). Use
/// <see cref="Run{T}(Coroutine{T}, TimeProvider?, ILogger?)"/> for the common case of running one main coroutine.</remarks>
[DebuggerDisplay("EventLoop ready={_ready.Count} timers={_timers.Count} running={IsRunning}")]
public sealed partial class EventLoop : IDisposable
{
    [ThreadStatic]
    private static EventLoop? t_running;

    private readonly ReadyQueue _ready = new();
    private readonly TimerQueue _timers = new();
    private readonly Inbox _inbox = new();
    private readonly TimeProvider _time;
    private readonly double _ticksPerSecond;
    private int _threadId;
    private bool _stopping;
    private LoopInstrument? _instrument;     // what the loop calls: the user's and its own together
    private LoopInstrument? _userInstrument; // Instrument
    private List<LoopInstrument>? _ownInstruments; // debug mode, stall watchdogs (Diagnostics/)
    private int _passLeft; // ready items the current pass has still to run
    private Poller? _poller; // made on the first socket use (IO/); null for a loop without I/O
    private bool _sleepsInPoller; // the idle loop blocks in _poller (epoll), not on the inbox's monitor

    /// <summary>Creates a loop that reads time from <paramref name="timeProvider"/> (the system clock
    /// if null) and reports errors to <paramref name="logger"/> (standard error if null).</summary>
    public EventLoop(TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(new EventLoopOptions { TimeProvider = timeProvider, Logger = logger })
    {
    }

    /// <summary>Creates a loop with <paramref name="options"/>: its clock, its logger and how it
    /// waits for sockets.</summary>
    public EventLoop(EventLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Poller))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Poller, "Unknown PollerKind: use Automatic, Epoll or Portable.");
        }

        _time = options.TimeProvider ?? TimeProvider.System;
        _ticksPerSecond = _time.TimestampFrequency;
        _logger = options.Logger;
        PollerKind = options.Poller;
        Options = options;
        BaseContext = ExecutionContext.Capture();
        OnCreated?.Invoke(this);
    }

    /// <summary>What the loop was made with; the layers above the kernel read their own settings
    /// from it (IO/EventLoop.Network.cs).</summary>
    internal EventLoopOptions Options { get; }

    /// <summary>How this loop waits for sockets, as asked in its options (the poller itself is made
    /// when the loop first uses a socket).</summary>
    public PollerKind PollerKind { get; }

    /// <summary>The execution context the loop runs its callbacks in, and returns to between task
    /// steps (each task has its own: CoopTask.Context.cs). Captured when the loop is made and when it
    /// starts running; null if execution-context flow is suppressed there.</summary>
    internal ExecutionContext? BaseContext { get; private set; }

    /// <summary>The loop thread's context field while it runs in <see cref="BaseContext"/> (null for
    /// the default context): what a step that set no AsyncLocal leaves it at.</summary>
    internal ExecutionContext? BaseContextField { get; private set; }

    /// <summary>The running loop's thread, while tasks get contexts of their own; null otherwise
    /// (not running, flow suppressed, or a runtime whose thread hides its context field).</summary>
    internal Thread? ContextThread { get; private set; }

    /// <summary>The loop running on the calling thread, or null.</summary>
    internal static EventLoop? CurrentOrNull => t_running;

    /// <summary>The loop running on the calling thread (asyncio's <c>get_running_loop</c>); throws
    /// <see cref="InvalidOperationException"/> if there is none. Code that may run outside a loop
    /// asks <see cref="TryGetCurrent"/>.</summary>
    public static EventLoop Current =>
        t_running ?? throw new InvalidOperationException(
            "No event loop is running on this thread: start one with EventLoop.Run or loop.RunUntilComplete.");

    /// <summary>Gets the loop running on the calling thread, if there is one.</summary>
    /// <param name="loop">The running loop, or null.</param>
    /// <returns>True if a loop runs on this thread.</returns>
    public static bool TryGetCurrent([NotNullWhen(true)] out EventLoop? loop)
    {
        loop = t_running;
        return loop != null;
    }

    /// <summary>True while <see cref="RunForever"/> or <see cref="RunUntilComplete(Future)"/> runs.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>True once <see cref="Close"/> was called; a closed loop refuses new work.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>The clock the loop reads; a virtual clock makes time jump when the loop is idle.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>An optional observer of task steps (tracing, diagnostics); null for none.</summary>
    public LoopInstrument? Instrument
    {
        get => _userInstrument;
        set
        {
            _userInstrument = value;
            ComposeInstruments();
        }
    }

    /// <summary>The instrument the loop calls: <see cref="Instrument"/> and the loop's own ones.</summary>
    internal LoopInstrument? ActiveInstrument => _instrument;

    /// <summary>Adds an instrument of the loop's own (debug mode, a stall watchdog), called beside
    /// the user's <see cref="Instrument"/>, which it neither shows nor replaces.</summary>
    internal void AddOwnInstrument(LoopInstrument instrument)
    {
        (_ownInstruments ??= []).Add(instrument);
        ComposeInstruments();
    }

    internal void RemoveOwnInstrument(LoopInstrument instrument)
    {
        if (_ownInstruments?.Remove(instrument) == true)
        {
            ComposeInstruments();
        }
    }

    private void ComposeInstruments()
    {
        var all = _userInstrument;
        foreach (var own in _ownInstruments ?? [])
        {
            all = all == null ? own : new InstrumentPair(own, all);
        }

        _instrument = all;
        StepInstrument = all is { ObservesSteps: true } or InstrumentPair { ObservesAnySteps: true } ? all : null;
    }

    /// <summary><see cref="Instrument"/> if it hooks task steps, else null: what each step checks.</summary>
    internal LoopInstrument? StepInstrument { get; private set; }

    /// <summary>Picks which ready item runs next (seeded schedules); null for plain FIFO.</summary>
    internal IScheduleChooser? Chooser { get; set; }

    /// <summary>The loop's monotonic time in seconds (asyncio's <c>loop.time()</c>).</summary>
    public double Time() => TicksToSeconds(Now());

    /// <summary>Runs until <see cref="Stop"/> is called.</summary>
    public void RunForever() => Run(until: null);

    /// <summary>Stops the loop after the current iteration. Calling it when not running makes the
    /// next run do one iteration and return, as in asyncio.</summary>
    public void Stop()
    {
        CheckThread();
        _stopping = true;
    }

    /// <summary>Closes the loop: drops pending timers and ready callbacks, as asyncio does, except
    /// what must not vanish, which goes to the exception handler: every callback another thread
    /// posted (CallSoonThreadsafe) that never ran, every task still pending ("Task was destroyed
    /// but it is pending!": Close runs no task code, so its finally blocks do not run; cancel the
    /// tasks and run the loop first, as <see cref="Run{T}(Coroutine{T}, TimeProvider?, ILogger?)"/>
    /// does), and every failed future or task whose error nobody read. A closed loop cannot run
    /// again; closing twice does nothing.</summary>
    public void Close()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Cannot close a running event loop: call Stop first.");
        }

        if (IsClosed)
        {
            return;
        }

        IsClosed = true;

        // Work posted from other threads may sit in the ready queue (drained from the inbox, not yet
        // run when the loop stopped) or still in the inbox: neither is dropped silently.
        while (_ready.Count > 0)
        {
            var item = _ready.Dequeue();
            if (item.Posted)
            {
                ((PostedCallback)item.State!).OnLoopClosed(this);
            }
        }

        foreach (var left in _inbox.Close())
        {
            left.OnLoopClosed(this);
        }

        // Child processes and signal handlers end before the poller, which holds their descriptors.
        Closing?.Invoke();

        // After the inbox: a closed inbox wakes nobody, so no other thread touches the poller now.
        _poller?.Close();
        ForgetPendingTasks(); // EventLoop.Tasks.cs: reported, not dropped silently
        ReportUnobserved();   // EventLoop.Errors.cs: failures nobody read
        _ready.Clear();
        _timers.Clear();
    }

    /// <summary>Run by <see cref="Close"/>, before the poller closes: what layers above the core own
    /// outside the loop's queues (child processes, signal handlers: Processes/) ends there.</summary>
    internal event Action? Closing;

    /// <summary>Closes the loop (see <see cref="Close"/>).</summary>
    public void Dispose() => Close();

    /// <summary>Runs iterations until <paramref name="untilDone"/> is done, or <paramref name="until"/>
    /// says so, or the loop is stopped; both are checked after each iteration. A future is checked
    /// without a delegate call: run_until_complete is the common case, one check per iteration.</summary>
    internal void Run(Func<bool>? until, Future? untilDone = null)
    {
        CheckCanRun();
        var previousContext = SynchronizationContext.Current;
        BaseContext = ExecutionContext.Capture();
        if (BaseContext != null && ExecutionContextSlot.Readable)
        {
            ContextThread = Thread.CurrentThread;
            BaseContextField = ExecutionContextSlot.Read(ContextThread);
        }

        _threadId = Environment.CurrentManagedThreadId;
        t_running = this;
        IsRunning = true;
        SynchronizationContext.SetSynchronizationContext(new LoopSynchronizationContext(this));
        try
        {
            // Stop is checked after the iteration, so a Stop() made before the run still gets one
            // iteration (asyncio's run_forever), as Stop's documentation promises.
            while (untilDone is not { IsDone: true } && (until == null || !until()))
            {
                RunOnce();
                if (_stopping)
                {
                    break;
                }
            }
        }
        finally
        {
            _stopping = false;
            SteppingTask = null; // only needed if a step escaped with a LoopInternalException
            IsRunning = false;
            t_running = null;
            _threadId = 0;
            ContextThread = null;
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }
    }

    /// <summary>Throws if the loop cannot run now: closed, already running, or another loop runs on
    /// this thread. Calls that make something to run (RunUntilComplete of a coroutine) check it
    /// first, so a refused run leaves nothing behind that would run later (asyncio checks first too).</summary>
    private void CheckCanRun([CallerMemberName] string operation = "")
    {
        CheckNotClosed(operation);
        if (IsRunning)
        {
            throw new InvalidOperationException("This event loop is already running: a coroutine must await, not run the loop.");
        }

        if (t_running != null)
        {
            throw new InvalidOperationException(
                "Cannot run an event loop while another loop is running on this thread (a coroutine must await, not run a loop).");
        }
    }

    // Not [MethodImpl(AggressiveOptimization)], nor the task-step path: it speeds up the first
    // (tier-0) code but costs profile-guided optimization for good (docs/benchmarks.md).
    /// <summary>One iteration, in asyncio's order: compute the wait, wait (zero CPU) for the earliest
    /// of the next deadline, I/O and a post (one system call with a poller), take in what other
    /// threads posted, move due timers to the ready queue, then run the ready queue.
    /// It runs only what was ready when the pass began: work made ready while it runs waits for the
    /// next pass, so a task that yields in a loop cannot starve timers or other threads' posts.</summary>
    internal void RunOnce()
    {
        Iterations++;
        if (_ready.Count == 0 && !_stopping && !_inbox.HasPosts)
        {
            WaitForNextTimerOrPost();
        }
        else
        {
            _poller?.Poll(TimeSpan.Zero); // busy, but I/O that is ready must not wait behind the work
        }

        _inbox.DrainInto(_ready);
        if (_timers.Count > 0)
        {
            var now = Now();
            if (_timers.NextDue() is { } due && due <= now)
            {
                LastTimerLag = now - due; // how late the loop fires what is due (the lag metric)
            }

            _timers.MoveDue(now, _ready);
        }

        _passLeft = _ready.Count;
        ItemsRun += _passLeft; // a pass runs every item it began with: counted once per pass, not per item
        while (_passLeft > 0)
        {
            try
            {
                RunPass();
            }
            catch (LoopInternalException)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Only a task step gets here, and only on a bug: a callback reports its own error,
                // a step its coroutine's and its instrument's.
                var task = SteppingTask;
                SteppingTask = null;
                ReportError(new LoopError("Exception in a step of " + task, ex, task, null));
            }
        }
    }

    /// <summary>Runs the rest of the pass: the loop's hot path. It has no exception handler of its
    /// own, so the JIT keeps its state in registers; the count left is a field so that RunOnce can go
    /// on with the pass after a failure. A task step handles its coroutine's errors itself.</summary>
    private void RunPass()
    {
        var chooser = Chooser;
        while (_passLeft > 0)
        {
            if ((_passLeft & (CheckPointInterval - 1)) == 0)
            {
                CheckPoint(); // EventLoop.CheckPoint.cs: timers due while the pass runs
            }

            if (chooser != null && _passLeft > 1)
            {
                _ready.MoveToFront(chooser.ChooseNext(_ready, _passLeft)); // seeded schedules only
            }

            var item = _ready.Dequeue();
            _passLeft--;
            if (item.Callback is null)
            {
                var task = Unsafe.As<CoopTask>(item.State!);
                SteppingTask = task;
                task.Step();
                SteppingTask = null;
            }
            else
            {
                RunCallback(item);
            }
        }
    }

    private void RunCallback(in ReadyItem item)
    {
        try
        {
            item.Callback!(item.State);
        }
        catch (LoopInternalException)
        {
            throw;
        }
        catch (Exception ex)
        {
            ReportError(new LoopError("Exception in callback " + NameOf(item), ex, null, item.Target));
        }
    }

    /// <summary>How many iterations the loop has run: a diagnostic that shows an idle loop waits
    /// instead of spinning (a loop sleeping until a far deadline runs one or two).</summary>
    internal long Iterations { get; private set; }

    /// <summary>How many ready items (task steps and callbacks) the loop has run (the metrics).</summary>
    internal long ItemsRun { get; private set; }

    /// <summary>How late, in clock ticks, the last iteration that found a timer due ran it.</summary>
    internal long LastTimerLag { get; private set; }

    /// <summary>How many ready items wait now (the ready-queue length metric).</summary>
    internal int ReadyCount => _ready.Count;

    /// <summary>Called with every loop made, after its constructor (Diagnostics/: debug mode, metrics).</summary>
    internal static Action<EventLoop>? OnCreated { get; set; }

    /// <summary>How many tasks have not finished.</summary>
    internal int LiveTaskCount => _liveCount;

    /// <summary>True if the next iteration has something to run now: ready work, posts from other
    /// threads, or a timer already due (tests run a loop "until idle" with it).</summary>
    internal bool HasWorkDue =>
        _ready.Count > 0 || _inbox.HasPosts || (_timers.NextDue() is { } due && due <= Now());

    /// <summary>How many entries the timer heap holds, canceled ones not dropped yet included (tests
    /// check that canceled timers and sleeps do not pile up).</summary>
    internal int TimerHeapCount => _timers.Count;

    /// <summary>True while the loop thread sleeps, waiting for a deadline or a post.</summary>
    internal bool IsSleeping => _inbox.IsSleeping;

    private TimeSpan TimeUntilNextTimer()
    {
        var next = _timers.NextDue();
        if (next is not { } due)
        {
            return Timeout.InfiniteTimeSpan;
        }

        // Compare before subtracting: a deadline far in the past (CallAt(-1e300)) would overflow.
        var now = Now();
        if (due <= now)
        {
            return TimeSpan.Zero;
        }

        var ticks = due - now;
        if (_sleepsInPoller)
        {
            // A poller waits to the microsecond (epoll_pwait2): round up to a TimeSpan tick only.
            var exact = Math.Ceiling(ticks * (double)TimeSpan.TicksPerSecond / _ticksPerSecond);
            return exact >= TimeSpan.MaxValue.Ticks ? TimeSpan.FromMilliseconds(int.MaxValue - 1) : TimeSpan.FromTicks((long)exact);
        }

        // Round up to whole milliseconds: waking a little early would spin until the deadline.
        var ms = Math.Ceiling(ticks * 1000.0 / _ticksPerSecond);
        return ms >= int.MaxValue ? TimeSpan.FromMilliseconds(int.MaxValue - 1) : TimeSpan.FromMilliseconds(ms);
    }

    private void WaitForNextTimerOrPost()
    {
        var timeout = TimeUntilNextTimer();
        if (timeout != TimeSpan.Zero)
        {
            WaitForWork(timeout);
        }
        else
        {
            _poller?.Poll(TimeSpan.Zero);
        }
    }

    private void WaitForWork(TimeSpan timeout)
    {
        if (_time is IIdleClock idle)
        {
            // A virtual clock jumps to the next deadline instead of sleeping, unless work can still
            // arrive from outside (ForeignWaits: a BCL Task, or a socket a task waits on).
            idle.OnLoopIdle(this, _timers.NextDue());
            return;
        }

        _inbox.Wait(timeout);
    }

    /// <summary>How many tasks wait on something from outside the loop, a BCL Task another thread
    /// completes or a socket (IO/): while any does, work can still arrive, so an idle loop is not a
    /// deadlock.</summary>
    internal int ForeignWaits { get; set; }

    /// <summary>How many tasks wait on a socket that the loop's own poller watches (epoll): the
    /// kernel answers those without another thread, so a virtual clock looks once without waiting
    /// and then jumps, as Trio's autojump does, instead of letting time run at wall speed.</summary>
    internal int IoWaits { get; set; }

    /// <summary>True when work arrived from outside while the loop waited: a post from another
    /// thread, or I/O that made a task ready (what a virtual clock asks after waiting for real).</summary>
    internal bool HasPosts => _inbox.HasPosts || _ready.Count > 0;

    /// <summary>Waits for real for posts and I/O (a virtual clock does, while foreign work is pending).</summary>
    internal void WaitForPosts(TimeSpan timeout) => _inbox.Wait(timeout);

    /// <summary>Gives the loop its poller (IO/ does, on the first socket use). With
    /// <paramref name="sleepsInPoller"/> the idle loop blocks in it and posts wake it; without, the
    /// poller's completions arrive as posts and the loop sleeps on the inbox.</summary>
    internal void AttachPoller(Poller poller, bool sleepsInPoller)
    {
        _poller = poller;
        _sleepsInPoller = sleepsInPoller;
        if (sleepsInPoller)
        {
            _inbox.SleepIn(poller);
        }
    }

    internal void OnTimerCanceled() => _timers.OnCanceled();

    /// <summary>Throws unless called on the loop's thread (or while the loop is not running).</summary>
    /// <param name="operation">What the caller tried, for the message.</param>
    internal void CheckThread([CallerMemberName] string operation = "")
    {
        if (_threadId != 0 && _threadId != Environment.CurrentManagedThreadId)
        {
            ThrowWrongThread(operation); // the message is built out of line: this check runs on every call
        }
    }

    private void ThrowWrongThread(string operation) => throw new InvalidOperationException(
        $"{operation} was called from thread {Environment.CurrentManagedThreadId}, but this event loop runs on " +
        $"thread {_threadId}: from other threads use only loop.CallSoonThreadsafe (post a callback that does it).");

    internal bool IsOnLoopThread => _threadId == Environment.CurrentManagedThreadId;

    internal void CheckNotClosed([CallerMemberName] string operation = "")
    {
        if (IsClosed)
        {
            throw new InvalidOperationException(
                $"The event loop is closed: {operation} cannot use it. Create a new EventLoop (or use EventLoop.Run).");
        }
    }
}
