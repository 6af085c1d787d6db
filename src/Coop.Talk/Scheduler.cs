// The talk's Scheduler, on Coop's engine: Add wraps a generator in a task on a private event loop,
// RunToCompletion runs that loop until every task on it is done, and an instrument prints the
// notebook's trace around each step. It is a front on the loop, not a second engine: the run queue,
// the task and the stepping are the loop's own (DESIGN.md, first layer).
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Coop.Talk;

/// <summary>The talk's scheduler: add generator coroutines, run them round-robin to completion, and
/// read their results and errors. Each step is traced as the talk's notebook prints it.</summary>
public sealed class Scheduler : IDisposable
{
    private readonly EventLoop _loop = new();
    private readonly ConditionalWeakTable<IEnumerable<object?>, object> _added = new();
    private int _unfinished;

    /// <summary>A scheduler that traces to standard output, as the talk's does.</summary>
    public Scheduler()
        : this(Console.Out)
    {
    }

    /// <summary>A scheduler that traces to <paramref name="trace"/> (<see cref="TextWriter.Null"/> for none).</summary>
    public Scheduler(TextWriter trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        // Tracing off (TextWriter.Null): record results as tasks end, without a hook on every step.
        _loop.Instrument = ReferenceEquals(trace, TextWriter.Null) ? new Recorder(this) : new Tracer(this, trace);
    }

    /// <summary>Results of the tasks that completed, by task id.</summary>
    public Dictionary<int, object?> CompletedTaskResults { get; } = new();

    /// <summary>Exceptions of the tasks that failed, by task id.</summary>
    public Dictionary<int, Exception> FailedTaskErrors { get; } = new();

    /// <summary>The event loop the scheduler runs on.</summary>
    public EventLoop Loop => _loop;

    /// <summary>Adds a generator coroutine as a new task and returns the task's id. Nothing runs
    /// until <see cref="RunToCompletion"/>.</summary>
    public int Add(IEnumerable<object?> routine)
    {
        ArgumentNullException.ThrowIfNull(routine);
        if (_added.TryGetValue(routine, out _))
        {
            throw new ArgumentException(
                "This routine object was already added: a coroutine runs once. Call the generator method again for a new one.",
                nameof(routine));
        }

        var task = _loop.CreateTask(routine);
        _added.Add(routine, task);
        return task.Id;
    }

    /// <summary>Runs every task on the scheduler's loop (those added, and any they start there) until each
    /// has completed or failed, recording it in <see cref="CompletedTaskResults"/> or <see cref="FailedTaskErrors"/>.</summary>
    public void RunToCompletion()
    {
        if (EventLoop.TryGetCurrent(out _))
        {
            throw new InvalidOperationException(
                "RunToCompletion was called from inside a running task: a coroutine cannot run a scheduler inside itself.");
        }

        if (_unfinished > 0)
        {
            _loop.RunForever(); // until the last task ends: Record stops the loop then
        }
    }

    /// <summary>Closes the scheduler's event loop.</summary>
    public void Dispose() => _loop.Dispose();

    private void Record(CoopTask task, TextWriter? trace)
    {
        if (--_unfinished == 0 && _loop.IsRunning)
        {
            _loop.Stop(); // the loop ends the iteration it is in, as a check after it would
        }

        switch (task.State)
        {
            case FutureState.Succeeded:
                CompletedTaskResults[task.Id] = task.Result;
                trace?.WriteLine("Completed with result: " + Repr(task.Result));
                break;
            default:
                var error = task.Exception!;
                FailedTaskErrors[task.Id] = error;
                trace?.WriteLine("Failed with exception: " + error.Message);
                break;
        }
    }

    private static string Repr(object? value) => value switch
    {
        null => "None",
        string s => "'" + s + "'",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Every task of the loop counts, not only the added ones: a task a coroutine starts on
    // scheduler.Loop is recorded when it ends, so RunToCompletion must wait for it too.
    private sealed class Tracer(Scheduler scheduler, TextWriter trace) : LoopInstrument
    {
        public override void TaskCreated(CoopTask task) => scheduler._unfinished++;

        public override void BeforeTaskStep(CoopTask task) => trace.Write($"Running task {task.Id}...");

        public override void AfterTaskStep(CoopTask task)
        {
            switch (task.Status)
            {
                case CoopTaskStatus.Ready:
                    trace.WriteLine("Now yielded");
                    break;
                case CoopTaskStatus.Waiting:
                    trace.WriteLine("Now waiting");
                    break;
                default:
                    scheduler.Record(task, trace);
                    break;
            }
        }
    }

    /// <summary>Tracing off: only counts tasks and records how each ended.</summary>
    private sealed class Recorder(Scheduler scheduler) : LoopInstrument
    {
        public override void TaskCreated(CoopTask task) => scheduler._unfinished++;

        public override void TaskDone(CoopTask task) => scheduler.Record(task, null);
    }
}
