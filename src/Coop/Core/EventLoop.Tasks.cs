// Tasks on the loop: creating them, the list of live tasks, and running the loop until one is done.
using Microsoft.Extensions.Logging;

namespace Coop;

public sealed partial class EventLoop
{
    // The live tasks, in creation order: the loop holds every unfinished task strongly, so a
    // fire-and-forget task is never collected mid-flight (cpython#117379). A singly linked list
    // through the tasks (CoopTask.NextLive): a task that ends stays listed until the list is swept,
    // which happens once the finished ones outnumber the live ones, so each task costs one field and
    // O(1) amortized, and the list holds at most about twice the live tasks.
    private CoopTask? _liveHead;
    private CoopTask? _liveTail;
    private int _liveCount;   // unfinished tasks
    private int _listedCount; // tasks in the list, finished ones not swept yet included

    /// <summary>The task being stepped, kept on the loop rather than in a thread-static field:
    /// a step then costs no thread-local write (CoopTask.Current reads it through <see cref="CurrentOrNull"/>).</summary>
    internal CoopTask? SteppingTask { get; set; }

    /// <summary>Wraps an async coroutine in a task and schedules its first step.</summary>
    /// <param name="coroutine">A coroutine that has not started.</param>
    /// <param name="name">The task's name; "Task-{Id}" if null.</param>
    /// <param name="cancellationToken">Cancels the task when canceled (from any thread).</param>
    public CoopTask CreateTask(Coroutine coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckUsable();
        return Launch(coroutine.IntoTask(this, name), cancellationToken);
    }

    /// <summary>Wraps an async coroutine returning <typeparamref name="T"/> in a task and schedules its first step.</summary>
    public CoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckUsable();
        return (CoopTask<T>)Launch(coroutine.IntoTask(this, name), cancellationToken);
    }

    /// <summary>Wraps a generator coroutine (an iterator yielding <c>object?</c>) in a task and
    /// schedules its first step.</summary>
    public CoopTask CreateTask(IEnumerable<object?> generator, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckUsable();
        return Launch(new GeneratorTask(this, GeneratorTask.Enumerate(generator), name), cancellationToken); // refused before the task exists
    }

    /// <summary>The tasks that have not finished, in creation order.</summary>
    public IReadOnlyList<CoopTask> AllTasks()
    {
        var tasks = new List<CoopTask>(_liveCount);
        for (var t = _liveHead; t != null; t = t.NextLive)
        {
            if (t.Status != CoopTaskStatus.Done)
            {
                tasks.Add(t);
            }
        }

        return tasks;
    }

    /// <summary>Runs the loop until <paramref name="future"/> is done, then returns its result or
    /// throws its exception.</summary>
    public object? RunUntilComplete(Future future)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (future.Loop != this)
        {
            throw new ArgumentException("The future belongs to another event loop.", nameof(future));
        }

        Run(until: null, untilDone: future);
        if (!future.IsDone)
        {
            throw new InvalidOperationException("The event loop stopped before the future completed.");
        }

        return future.Result;
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it ends; returns its result. If the
    /// loop cannot run (closed, already running, another loop runs on this thread) it throws before
    /// making the task, so the coroutine never runs.</summary>
    public T RunUntilComplete<T>(Coroutine<T> coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckCanRun();
        return (T)RunUntilComplete((Future)CreateTask(coroutine))!;
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it ends (refused, it never runs:
    /// see <see cref="RunUntilComplete{T}(Coroutine{T})"/>).</summary>
    public void RunUntilComplete(Coroutine coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckCanRun();
        RunUntilComplete((Future)CreateTask(coroutine));
    }

    /// <summary>Runs a generator coroutine as a task until it ends; returns what it returned (refused,
    /// it never runs: see <see cref="RunUntilComplete{T}(Coroutine{T})"/>).</summary>
    public object? RunUntilComplete(IEnumerable<object?> generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckCanRun();
        return RunUntilComplete((Future)CreateTask(generator));
    }

    /// <summary>Runs <paramref name="future"/>'s loop until it is done and returns its result.</summary>
    public T RunUntilComplete<T>(Future<T> future)
    {
        RunUntilComplete((Future)future);
        return future.Result;
    }

    /// <summary>asyncio.run: makes a loop, runs <paramref name="main"/> to its end, cancels the tasks
    /// still alive and waits for them, closes the loop, and returns main's result (or throws its error).</summary>
    /// <param name="main">The main coroutine, not yet started.</param>
    /// <param name="timeProvider">The loop's clock; the system clock if null.</param>
    /// <param name="logger">Where the loop reports errors nobody awaited; standard error if null.</param>
    public static T Run<T>(Coroutine<T> main, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        var task = RunMain(loop => loop.CreateTask(main, "main"), timeProvider, logger);
        return ((CoopTask<T>)task).Result;
    }

    /// <summary>asyncio.run for a coroutine without a result (see <see cref="Run{T}(Coroutine{T}, TimeProvider?, ILogger?)"/>).</summary>
    /// <param name="main">The main coroutine, not yet started.</param>
    /// <param name="timeProvider">The loop's clock; the system clock if null.</param>
    /// <param name="logger">Where the loop reports errors nobody awaited; standard error if null.</param>
    public static void Run(Coroutine main, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        RunMain(loop => loop.CreateTask(main, "main"), timeProvider, logger);
    }

    /// <summary>asyncio.run for a generator coroutine: returns what it returned with
    /// <see cref="Coroutine.Return(object?)"/> (null if it just ended).</summary>
    /// <param name="main">The generator, not yet iterated.</param>
    /// <param name="timeProvider">The loop's clock; the system clock if null.</param>
    /// <param name="logger">Where the loop reports errors nobody awaited; standard error if null.</param>
    public static object? Run(IEnumerable<object?> main, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        return RunMain(loop => loop.CreateTask(main, "main"), timeProvider, logger).Result;
    }

    /// <summary>asyncio.run on a loop built with <paramref name="options"/> (see
    /// <see cref="Run{T}(Coroutine{T}, TimeProvider?, ILogger?)"/>).</summary>
    /// <param name="main">The main coroutine, not yet started.</param>
    /// <param name="options">The loop's clock, logger and poller.</param>
    public static T Run<T>(Coroutine<T> main, EventLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(options);
        var task = RunMain(loop => loop.CreateTask(main, "main"), options);
        return ((CoopTask<T>)task).Result;
    }

    /// <summary>asyncio.run for a coroutine without a result, on a loop built with
    /// <paramref name="options"/>.</summary>
    /// <param name="main">The main coroutine, not yet started.</param>
    /// <param name="options">The loop's clock, logger and poller.</param>
    public static void Run(Coroutine main, EventLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(options);
        RunMain(loop => loop.CreateTask(main, "main"), options);
    }

    /// <summary>asyncio.run for a generator coroutine, on a loop built with <paramref name="options"/>.</summary>
    /// <param name="main">The generator, not yet iterated.</param>
    /// <param name="options">The loop's clock, logger and poller.</param>
    public static object? Run(IEnumerable<object?> main, EventLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(options);
        return RunMain(loop => loop.CreateTask(main, "main"), options).Result;
    }

    private static CoopTask RunMain(Func<EventLoop, CoopTask> start, TimeProvider? timeProvider, ILogger? logger) =>
        RunMain(start, new EventLoopOptions { TimeProvider = timeProvider, Logger = logger });

    private static CoopTask RunMain(Func<EventLoop, CoopTask> start, EventLoopOptions options)
    {
        if (t_running != null)
        {
            throw new InvalidOperationException(
                "EventLoop.Run cannot be called while an event loop is running on this thread: await the coroutine instead.");
        }

        using var loop = new EventLoop(options);
        var task = start(loop);
        using var guard = Core.MainGuard.Factory?.Invoke(loop, task); // Ctrl+C and SIGTERM cancel main
        try
        {
            loop.RunUntilComplete((Future)task);
        }
        catch (CanceledException canceled) when (guard is { Interrupted: true })
        {
            guard.MainCanceled(canceled);
        }
        finally
        {
            loop.CancelLeftoverTasks();
        }

        guard?.ThrowIfInterrupted();

        return task;
    }

    /// <summary>Close's part for tasks: each one still pending is reported (asyncio logs "Task was
    /// destroyed but it is pending!") and forgotten, so the closed loop holds and lists none. Close
    /// runs no task code: the task's finally blocks do not run (EventLoop.Run cancels leftover tasks
    /// and runs them to their end before it closes).</summary>
    private void ForgetPendingTasks()
    {
        foreach (var task in AllTasks())
        {
            var where = task.WaitingOnDescription is { } waitingOn ? "waiting on " + waitingOn : "ready to run";
            ReportError(new LoopError(
                $"Task was destroyed but it is pending: the loop closed while it was {where}; its finally blocks did not " +
                "run (cancel it and run the loop before closing, as EventLoop.Run does).", null, task, null));
        }

        _liveHead = _liveTail = null;
        _liveCount = _listedCount = 0;
    }

    /// <summary>A task ended: it leaves the live list at the next sweep.</summary>
    internal void ForgetTask()
    {
        _liveCount--;
        if (_listedCount > 2 * _liveCount + 64)
        {
            SweepFinishedTasks();
        }
    }

    private void SweepFinishedTasks()
    {
        CoopTask? last = null;
        for (var t = _liveHead; t != null;)
        {
            var next = t.NextLive;
            if (t.Status == CoopTaskStatus.Done)
            {
                t.NextLive = null;
            }
            else
            {
                if (last == null)
                {
                    _liveHead = t;
                }
                else
                {
                    last.NextLive = t;
                }

                last = t;
            }

            t = next;
        }

        if (last == null)
        {
            _liveHead = null;
        }
        else
        {
            last.NextLive = null;
        }

        _liveTail = last;
        _listedCount = _liveCount;
    }

    /// <summary>Posts the outcome of foreign work (FromTask, ToThread) from any thread. If the loop
    /// closes before it runs, <paramref name="whenLoopClosed"/> runs instead, on the closing thread;
    /// if it is closed already, false, and the poster decides what is worth saying.</summary>
    internal bool TryPostOutcome(Action<object?> callback, object? state, Action<object?> whenLoopClosed) =>
        _inbox.TryPost(callback, state, whenLoopClosed);

    internal bool TryPostFromAnyThread(Action<object?> callback, object? state)
    {
        if (_inbox.TryPost(callback, state))
        {
            return true;
        }

        Console.Error.WriteLine($"Coop: a completion arrived after its event loop was closed and was dropped ({callback.Method.Name}).");
        return false;
    }

    /// <summary>Calls one hook of the instrument. An instrument is user code: if it throws, the error
    /// goes to the exception handler and the task goes on, rather than being left half-stepped.</summary>
    internal void Notify(InstrumentHook hook, CoopTask task, Future? by = null)
    {
        var instrument = _instrument!;
        try
        {
            switch (hook)
            {
                case InstrumentHook.TaskCreated: instrument.TaskCreated(task); break;
                case InstrumentHook.BeforeTaskStep: instrument.BeforeTaskStep(task); break;
                case InstrumentHook.AfterTaskStep: instrument.AfterTaskStep(task); break;
                case InstrumentHook.TaskWoken: instrument.TaskWoken(task, by); break;
                case InstrumentHook.AwaitedWhileCanceled: instrument.AwaitedWhileCanceled(task); break;
                default: instrument.TaskDone(task); break;
            }
        }
        catch (Exception ex) when (ex is not LoopInternalException)
        {
            ReportError(new LoopError($"The loop instrument threw in {hook}", ex, task, null));
        }
    }

    private CoopTask Launch(CoopTask task, CancellationToken cancellationToken)
    {
        if (_liveTail == null)
        {
            _liveHead = task;
        }
        else
        {
            _liveTail.NextLive = task;
        }

        _liveTail = task;
        _liveCount++;
        _listedCount++;
        QueueFirstStep(task);
        if (ActiveInstrument != null)
        {
            Notify(InstrumentHook.TaskCreated, task);
        }

        task.WatchToken(cancellationToken);
        return task;
    }

    /// <summary>Queues a new task's first step. Tasks made one after another with nothing queued in
    /// between share one ready entry: the first one's, which then steps the others, following the live
    /// list, where they come right after it in the same order. A million tasks made in one step so
    /// take no ready entry each (W2, W4). A seeded schedule (Chooser) orders entries one by one, so
    /// there every task gets its own; so does a task made while the pass that runs the batch's entry
    /// is under way (entries queued before the pass began belong to it).</summary>
    private void QueueFirstStep(CoopTask task)
    {
        var joins = Chooser == null && _ready.Count > _passLeft && _ready.Last.Callback == StepFirstSteps;
        task.Launched(inBatch: joins);
        if (!joins)
        {
            _ready.Enqueue(StepFirstSteps, task);
        }
    }

    private static readonly Action<object?> StepFirstSteps = static first =>
    {
        var task = (CoopTask)first!;
        var loop = task.Loop;
        while (task != null)
        {
            var next = task.NextLive; // read first: the step may end the task, and a sweep unlink it
            loop.SteppingTask = task;
            task.Step();
            loop.SteppingTask = null;
            task = next is { } follower && follower.LeaveFirstStepBatch() ? follower : null!;
        }
    };

    internal void CancelLeftoverTasks()
    {
        if (IsClosed)
        {
            return;
        }

        var leftovers = AllTasks();
        if (leftovers.Count == 0)
        {
            // What main's last pass made ready (done callbacks of tasks that ended with it) gets one
            // more iteration, as asyncio.run's shutdown steps give it, rather than being dropped.
            if (_ready.Count > 0)
            {
                Stop();
                Run(until: null);
            }

            return;
        }

        foreach (var task in leftovers)
        {
            task.Cancel("The main coroutine ended: leftover tasks are canceled.");
        }

        Run(until: () => _liveCount == 0);
        foreach (var task in leftovers)
        {
            if (task.State == FutureState.Failed && !task.IsObserved) // not reported already
            {
                ReportError(new LoopError("Unhandled exception in a task while the loop was shutting down", task.Exception, task, null));
            }
        }
    }
}
