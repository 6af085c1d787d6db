// A task drives one coroutine on the loop, one step at a time (the talk's Task: a coroutine plus an
// integer id; asyncio's Task). It is a Future, completed when its coroutine ends.
//
// The life of a task (docs/internals.md walks through it):
//   created  → EventLoop.CreateTask makes it Ready: its first step is in the ready queue;
//   step     → Step runs the coroutine until it yields (back to Ready), awaits something pending
//              (Waiting, parked on exactly one future), or ends (Done);
//   done     → the future completes once; an exception nobody observes goes to the loop's handler.
// Generator coroutines are stepped in CoopTask.Generator.cs, async ones in CoopTask.Coroutine.cs.
// Invariant: Status == Waiting ⇔ (_waitingOn != null or _waitingForeign); Done ⇔ IsDone.
using System.Diagnostics;

namespace Coop;

/// <summary>A coroutine running on an <see cref="EventLoop"/>, with an id, a name and a result
/// (the talk's <c>Task</c>, asyncio's <c>Task</c>). Create one with <see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public partial class CoopTask : Future
{
    internal static readonly Action<object?> StepAction = static t => ((CoopTask)t!).Step();

    private static int s_lastId = -1;

    [ThreadStatic]
    private static CoopTask? t_current;

    private string? _name;
    private Future? _waitingOn;
    private bool _waitingForeign;
    private bool _cancelRequested;
    private string? _cancelMessage;
    private CancellationTokenSource? _cts;
    private CancellationTokenRegistration _tokenRegistration;

    private protected CoopTask(EventLoop loop, string? name)
        : base(loop)
    {
        Id = Interlocked.Increment(ref s_lastId);
        _name = name;
    }

    /// <summary>The task being stepped on this thread right now, or null (asyncio's <c>current_task</c>).</summary>
    public static CoopTask? Current => t_current;

    /// <summary>The task's id: unique in the process, counting up from 0 (the talk's <c>Task.next_id</c>).</summary>
    public int Id { get; }

    /// <summary>The task's name; "Task-{Id}" unless one was given.</summary>
    public string Name
    {
        get => _name ?? "Task-" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        set => _name = value;
    }

    /// <summary>Where the task is now: ready, running, waiting or done.</summary>
    public CoopTaskStatus Status { get; private set; }

    /// <summary>A token cancelled when this task is cancelled, for APIs that take one.</summary>
    public CancellationToken CancellationToken
    {
        get
        {
            _cts ??= new CancellationTokenSource();
            if (_cancelRequested || IsCancelled)
            {
                _cts.Cancel();
            }

            return _cts.Token;
        }
    }

    // Links in the loop's list of live tasks: the loop holds every unfinished task strongly, so a
    // fire-and-forget task is never collected mid-flight (cpython#117379).
    internal CoopTask? PreviousLive { get; set; }

    internal CoopTask? NextLive { get; set; }

    /// <summary>Requests cancellation: a <see cref="CancelledException"/> is raised at the task's
    /// await point (a generator coroutine is disposed, running its finally blocks), and the task ends
    /// cancelled unless its coroutine catches it. Returns false if the task is already done.</summary>
    public override bool Cancel(string? message = null)
    {
        Loop.CheckThread();
        if (IsDone)
        {
            return false;
        }

        _cancelRequested = true;
        _cancelMessage = message;
        if (_waitingOn is { } future)
        {
            // The undo action of the await: leave the future (its later wake-up is ignored as stale),
            // and cancel it too if it existed only for this wait (a sleep's timer).
            _waitingOn = null;
            MakeReady();
            if (future.CancelWithWaiter)
            {
                future.Cancel(message);
            }
        }

        _cts?.Cancel();
        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"<CoopTask {Id} '{Name}' {(IsDone ? State.ToString() : Status.ToString())}>";

    internal override string Describe() => $"Task {Id} ('{Name}')";


    /// <summary>The single check behind every await point: throws the pending cancellation, once.</summary>
    internal void ThrowIfCancelRequested()
    {
        if (_cancelRequested)
        {
            _cancelRequested = false;
            throw new CancelledException(_cancelMessage);
        }
    }

    internal void MakeReady()
    {
        Status = CoopTaskStatus.Ready;
        Loop.Schedule(StepAction, this);
    }

    /// <summary>Parks the task on <paramref name="future"/>; it is made ready when the future completes.</summary>
    internal void ParkOn(Future future)
    {
        if (future == this)
        {
            throw new InvalidOperationException($"{Describe()} awaits itself: it would never finish.");
        }

        if (future.Loop != Loop)
        {
            throw new InvalidOperationException($"{Describe()} awaits a future of another event loop.");
        }

        Status = CoopTaskStatus.Waiting;
        _waitingOn = future;
        future.AddWaiter(this);
    }

    /// <summary>Called by a completing future this task registered on; stale calls are ignored.</summary>
    internal void WakeFrom(Future future)
    {
        if (_waitingOn == future)
        {
            _waitingOn = null;
            MakeReady();
        }
    }

    private void Step()
    {
        if (Status != CoopTaskStatus.Ready)
        {
            throw new LoopInternalException($"{this} was stepped while {Status}: a task must be Ready to run.");
        }

        Status = CoopTaskStatus.Running;
        t_current = this;
        Loop.Instrument?.BeforeTaskStep(this);
        try
        {
            if (_frames != null)
            {
                StepGenerator();
            }
            else
            {
                StepCoroutine();
            }
        }
        finally
        {
            t_current = null;
        }

        AssertInvariants();
        Loop.Instrument?.AfterTaskStep(this);
    }

    private void Finish(object? result, System.Runtime.ExceptionServices.ExceptionDispatchInfo? error)
    {
        Status = CoopTaskStatus.Done;
        _cancelRequested = false;
        _tokenRegistration.Dispose();
        Loop.ForgetTask(this);
        TryComplete(result, error);
        if (IsCancelled)
        {
            _cts?.Cancel();
        }
    }

    private protected override void OnCompleted(bool hadWaiters)
    {
        if (State == FutureState.Failed && !hadWaiters)
        {
            // Nobody awaits this task: give the program one loop iteration to look at the error
            // (a done callback, reading Exception), then report it rather than lose it.
            Loop.Schedule(ReportIfUnobserved, this);
        }
    }

    private static readonly Action<object?> ReportIfUnobserved = static t =>
    {
        var task = (CoopTask)t!;
        if (!task.IsObserved)
        {
            task.Loop.ReportError(new LoopError("Task exception was never retrieved", task.Exception, task, null));
        }
    };

    private void WatchToken(CancellationToken token)
    {
        if (!token.CanBeCanceled)
        {
            return;
        }

        if (token.IsCancellationRequested)
        {
            Cancel("The task's cancellation token was cancelled.");
            return;
        }

        _tokenRegistration = token.UnsafeRegister(
            static t => ((CoopTask)t!).Loop.TryPostFromAnyThread(CancelFromToken, t),
            this);
    }

    private static readonly Action<object?> CancelFromToken =
        static t => ((CoopTask)t!).Cancel("The task's cancellation token was cancelled.");

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        var parked = _waitingOn != null || _waitingForeign;
        Debug.Assert(parked == (Status == CoopTaskStatus.Waiting), $"{this}: Waiting ⇔ parked on one thing");
        Debug.Assert((Status == CoopTaskStatus.Done) == IsDone, $"{this}: Done ⇔ its future is done");
        Debug.Assert(Status != CoopTaskStatus.Running, $"{this}: a step must end Ready, Waiting or Done");
    }
}
