// Tasks on the loop: creating them, the list of live tasks, and running the loop until one is done.
using Microsoft.Extensions.Logging;

namespace Coop;

public sealed partial class EventLoop
{
    private CoopTask? _liveTasks;
    private int _liveCount;

    /// <summary>The task being stepped, kept on the loop rather than in a thread-static field:
    /// a step then costs no thread-local write (CoopTask.Current reads it through <see cref="CurrentOrNull"/>).</summary>
    internal CoopTask? SteppingTask { get; set; }

    /// <summary>The caller a coroutine that just ended hands back to the task being stepped: its
    /// step resumes it next (CoopTask.Coroutine.cs, the trampoline).</summary>
    internal object? PendingContinuation { get; set; }

    /// <summary>Set by Coop's builder while a kernel awaiter decides how to suspend the task being
    /// stepped (CompilerServices/Suspension.cs); on the loop, as only that task can be suspending.</summary>
    internal bool SuspendingInBuilder { get; set; }

    /// <summary>Drops the state of a step that ended by throwing, so that it does not leak into what
    /// runs next.</summary>
    private void ForgetStep()
    {
        SteppingTask = null;
        PendingContinuation = null;
        SuspendingInBuilder = false;
    }

    /// <summary>Wraps an async coroutine in a task and schedules its first step.</summary>
    /// <param name="coroutine">A coroutine that has not started.</param>
    /// <param name="name">The task's name; "Task-{Id}" if null.</param>
    /// <param name="cancellationToken">Cancels the task when canceled (from any thread).</param>
    public CoopTask CreateTask(Coroutine coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckUsable();
        return Launch(CoopTask.ForCoroutine(this, coroutine, name, cancellationToken));
    }

    /// <summary>Wraps an async coroutine returning <typeparamref name="T"/> in a task and schedules its first step.</summary>
    public CoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckUsable();
        return (CoopTask<T>)Launch(CoopTask<T>.ForCoroutineOf(this, coroutine, name, cancellationToken));
    }

    /// <summary>Wraps a generator coroutine (an iterator yielding <c>object?</c>) in a task and
    /// schedules its first step.</summary>
    public CoopTask CreateTask(IEnumerable<object?> generator, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckUsable();
        return Launch(CoopTask.ForGenerator(this, generator, name, cancellationToken));
    }

    /// <summary>The tasks that have not finished, in creation order.</summary>
    public IReadOnlyList<CoopTask> AllTasks()
    {
        var tasks = new List<CoopTask>(_liveCount);
        for (var t = _liveTasks?.NextLive; t != null; t = t == _liveTasks ? null : t.NextLive)
        {
            tasks.Add(t);
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

        return future.ResultObject;
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it ends; returns its result.</summary>
    public T RunUntilComplete<T>(Coroutine<T> coroutine) => (T)RunUntilComplete((Future)CreateTask(coroutine))!;

    /// <summary>Runs <paramref name="coroutine"/> as a task until it ends.</summary>
    public void RunUntilComplete(Coroutine coroutine) => RunUntilComplete((Future)CreateTask(coroutine));

    /// <summary>Runs a generator coroutine as a task until it ends; returns what it returned.</summary>
    public object? RunUntilComplete(IEnumerable<object?> generator) => RunUntilComplete((Future)CreateTask(generator));

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
        return RunMain(loop => loop.CreateTask(main, "main"), timeProvider, logger).ResultObject;
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
        return RunMain(loop => loop.CreateTask(main, "main"), options).ResultObject;
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
        using var interruption = Processes.Interruption.Install(loop, task); // Ctrl+C and SIGTERM cancel main
        try
        {
            loop.RunUntilComplete((Future)task);
        }
        catch (CanceledException canceled) when (interruption.Signal != null)
        {
            interruption.MainCanceled = canceled;
        }
        finally
        {
            loop.CancelLeftoverTasks();
        }

        interruption.ThrowIfInterrupted(); // after closing the loop: an uncaught exception runs no finally

        return task;
    }

    internal void ForgetTask(CoopTask task)
    {
        // Circular list through _liveTasks (the newest): O(1) add and remove, no hashing.
        if (task.NextLive == null)
        {
            return;
        }

        if (task.NextLive == task)
        {
            _liveTasks = null;
        }
        else
        {
            task.PreviousLive!.NextLive = task.NextLive;
            task.NextLive.PreviousLive = task.PreviousLive;
            if (_liveTasks == task)
            {
                _liveTasks = task.PreviousLive;
            }
        }

        task.NextLive = task.PreviousLive = null;
        _liveCount--;
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
    internal void Notify(InstrumentHook hook, CoopTask task)
    {
        var instrument = _instrument!;
        try
        {
            switch (hook)
            {
                case InstrumentHook.TaskCreated: instrument.TaskCreated(task); break;
                case InstrumentHook.BeforeTaskStep: instrument.BeforeTaskStep(task); break;
                case InstrumentHook.AfterTaskStep: instrument.AfterTaskStep(task); break;
                default: instrument.TaskDone(task); break;
            }
        }
        catch (Exception ex) when (ex is not LoopInternalException)
        {
            ReportError(new LoopError($"The loop instrument threw in {hook}", ex, task, null));
        }
    }

    private CoopTask Launch(CoopTask task)
    {
        if (_liveTasks == null)
        {
            task.NextLive = task.PreviousLive = task;
        }
        else
        {
            task.NextLive = _liveTasks.NextLive;
            task.PreviousLive = _liveTasks;
            _liveTasks.NextLive!.PreviousLive = task;
            _liveTasks.NextLive = task;
        }

        _liveTasks = task;
        _liveCount++;
        task.MakeReady();
        if (Instrument != null)
        {
            Notify(InstrumentHook.TaskCreated, task);
        }
        return task;
    }

    internal void CancelLeftoverTasks()
    {
        if (IsClosed)
        {
            return;
        }

        var leftovers = AllTasks();
        if (leftovers.Count == 0)
        {
            // A task that failed in main's last pass has its "never retrieved" report queued for
            // the next iteration: run that one iteration, or Close would drop the report.
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
