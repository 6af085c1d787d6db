// A task drives one coroutine on the loop, one step at a time (the talk's Task: a coroutine plus an
// integer id; asyncio's Task). It is a Future, completed when its coroutine ends.
//
// The life of a task (docs/internals.md walks through it):
//   created  → EventLoop.CreateTask makes it Ready: its first step is in the ready queue;
//   step     → Step runs the coroutine until it yields (back to Ready), awaits something pending
//              (Waiting, parked on exactly one future), or ends (Done);
//   done     → the future completes once; an exception nobody observes goes to the loop's handler.
// Generator coroutines are stepped in CoopTask.Generator.cs, async ones in CoopTask.Coroutine.cs.
// Invariant: Status == Waiting ⇔ (WaitingOn != null or _waitingForeign); Done ⇔ IsDone.
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Coop;

/// <summary>A coroutine running on an <see cref="EventLoop"/>, with an id, a name and a result
/// (the talk's <c>Task</c>, asyncio's <c>Task</c>). Create one with <see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public partial class CoopTask : Future
{
    private static int s_lastId = -1;

    // One field, two meanings that never overlap: while the task is Waiting, the future it is parked
    // on (null for a foreign awaitable); while it is Ready or Running, the future whose completion
    // woke it, until its await resumes (the hand-off check needs it). See WaitingOn and TakeWokenBy.
    private Future? _wait;
    private bool _waitingForeign;
    private bool _cancelRequested;
    private Extras? _extras; // what few tasks use, made on first use (see Extras)
    private object? _body;   // what the task runs: its generator's IEnumerator, or its root Coroutine
    private object? _chain;  // the rest of the coroutine chain: an async task's innermost continuation to
                             // resume (a Coroutine or an Action), a generator task's Frame[] above _body
    private bool _isGenerator;

    private protected CoopTask(EventLoop loop, string? name)
        : base(loop)
    {
        Id = Interlocked.Increment(ref s_lastId);
        if (name != null)
        {
            MoreState.Name = name;
        }

        InheritContext();
    }

    /// <summary>The task being stepped on this thread right now, or null (asyncio's <c>current_task</c>).</summary>
    public static CoopTask? Current => EventLoop.CurrentOrNull?.SteppingTask;

    /// <summary>The task's id: unique in the process, counting up from 0 (the talk's <c>Task.next_id</c>).</summary>
    public int Id { get; }

    /// <summary>The task's name; "Task-{Id}" unless one was given.</summary>
    public string Name
    {
        get => _extras?.Name ?? "Task-" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        set => MoreState.Name = value;
    }

    /// <summary>Where the task is now: ready, running, waiting or done.</summary>
    public CoopTaskStatus Status { get; private set; }

    /// <summary>A token canceled when this task is canceled, for APIs that take one.</summary>
    public CancellationToken CancellationToken
    {
        get
        {
            var cts = MoreState.TokenSource ??= new CancellationTokenSource();
            if (_cancelRequested || IsCanceled)
            {
                cts.Cancel();
            }

            return cts.Token;
        }
    }

    // Links in the loop's list of live tasks: the loop holds every unfinished task strongly, so a
    // fire-and-forget task is never collected mid-flight (cpython#117379).
    internal CoopTask? PreviousLive { get; set; }

    internal CoopTask? NextLive { get; set; }

    /// <summary>Requests cancellation: a <see cref="CanceledException"/> is raised at the task's
    /// await point (a generator coroutine is disposed, running its finally blocks), and the task ends
    /// canceled unless its coroutine catches it. Returns false if the task is already done.</summary>
    public override bool Cancel(string? message = null)
    {
        Loop.CheckThread();
        if (IsDone)
        {
            return false;
        }

        _cancelRequested = true;
        if (message != null || _extras != null)
        {
            MoreState.CancelMessage = message;
        }

        WakeForCancellation(message); // CoopTask.Scopes.cs: not while a shielded cancel scope hides it

        CancelToken();
        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"<CoopTask {Id} '{Name}' {(IsDone ? State.ToString() : Status.ToString())}>";

    internal override string Describe() => $"Task {Id} ('{Name}')";

    /// <summary>What the task waits on, for deadlock reports: "Sleep", "Future", "a foreign awaitable".</summary>
    internal string? WaitingOnDescription =>
        WaitingOn?.Describe() ?? (_waitingForeign ? "a foreign awaitable (another thread completes it)" : null);

    /// <summary>The future the task is parked on, or null.</summary>
    private Future? WaitingOn => Status == CoopTaskStatus.Waiting ? _wait : null;

    /// <summary>Consumes the future that woke the task (the await it woke has resumed, or the step
    /// is over): returns it, or null; a parked task keeps the future it waits on.</summary>
    private Future? TakeWokenBy()
    {
        if (Status == CoopTaskStatus.Waiting)
        {
            return null;
        }

        var wokenBy = _wait;
        _wait = null;
        return wokenBy;
    }

    /// <summary>The single check behind every await point: throws the pending one-shot cancellation
    /// (once), or the cancellation of a cancel scope the task is inside (at every await until the
    /// scope is left). CoopTask.Scopes.cs decides which.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // every await resumes through here
    internal void ThrowIfCancelRequested()
    {
        if (_cancelRequested || Scope != null)
        {
            ThrowIfCancelDeliverable();
        }

        TakeWokenBy(); // this await has resumed
    }

    private void ThrowIfCancelDeliverable()
    {
        var wokenBy = TakeWokenBy();
        if (IsCancellationDeliverable(out _) && GiveBackHandOff(wokenBy))
        {
            ThrowDeliverableCancellation();
        }
    }

    /// <summary>The wake-up race, decided where the cancellation would be raised: the await resuming
    /// now was woken by <paramref name="wokenBy"/>; if that future handed this task a resource (a lock,
    /// an item) give it back, so the next waiter gets it, and return true: the await may raise. If the
    /// hand-off cannot be undone (an admitted put), return false: the await completes and the
    /// cancellation stays pending for the next await. Sync/WaitQueue.cs describes the protocol.</summary>
    private static bool GiveBackHandOff(Future? wokenBy) =>
        wokenBy is not { State: FutureState.Succeeded } || wokenBy.TryRevokeHandOff();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void MakeReady()
    {
        Status = CoopTaskStatus.Ready;
        Loop.ScheduleStep(this);
    }

    /// <summary>Parks the task on <paramref name="future"/>; it is made ready when the future completes.</summary>
    internal void ParkOn(Future future)
    {
        if (WhyCannotParkOn(future) is { } why)
        {
            throw new InvalidOperationException(why);
        }

        Status = CoopTaskStatus.Waiting;
        _wait = future;
        future.AddWaiter(this);
        if (_cancelRequested || Scope != null)
        {
            // A cancellation is already deliverable (the task canceled itself, or it awaits inside a
            // canceled scope, say in a finally block): the wait ends at once instead of hanging.
            WakeForCancellation(_extras?.CancelMessage);
        }
    }

    private string? WhyCannotParkOn(Future future) =>
        future == this ? $"{Describe()} awaits itself: it would never finish."
        : future.Loop != Loop ? $"{Describe()} awaits a future of another event loop."
        : null;

    internal bool IsWaitingOn(Future future) => WaitingOn == future;

    /// <summary>During a future's sweep of stale waiters (Future.DropStaleWaiters): hides that this
    /// task waits there, so its earlier entries in the list read as stale. A task never waits on
    /// itself, so pointing at itself is unambiguous; RestoreWaitAfterSweep puts the future back.</summary>
    internal void HideWaitDuringSweep() => _wait = this;

    internal void RestoreWaitAfterSweep(Future future) => _wait = future;

    /// <summary>Called by a completing future this task registered on; stale calls are ignored.</summary>
    internal void WakeFrom(Future future)
    {
        if (IsWaitingOn(future))
        {
            MakeReady(); // _wait now names the future as the waker
        }
    }

    /// <summary>Runs the coroutine until it yields, parks or ends. Called by the loop for a ready
    /// item that names this task; no exception but a LoopInternalException escapes a step.</summary>
    internal void Step()
    {
        if (Status != CoopTaskStatus.Ready)
        {
            ThrowIfNotSteppable();
            return; // a step queued before the task failed on a misuse (see SuspendForeign): stale
        }

        var loop = Loop; // the loop has made this task its SteppingTask (CoopTask.Current)
        Status = CoopTaskStatus.Running;
        if (loop.StepInstrument != null)
        {
            loop.Notify(InstrumentHook.BeforeTaskStep, this);
        }

        // CoopTask.Context.cs: the task's own AsyncLocal values, if any (not when the runtime hides them).
        var loopThread = loop.ContextThread;
        var context = loopThread != null ? EnterContext(loopThread) : null;
        if (_isGenerator)
        {
            StepGenerator(); // consumes its waker itself, first thing
        }
        else
        {
            StepCoroutine();
            TakeWokenBy(); // a waker no await consumed (the coroutine yielded on)
        }

        if (loopThread != null)
        {
            LeaveContext(loopThread, context);
        }

        AssertInvariants();
        if (loop.StepInstrument != null)
        {
            loop.Notify(InstrumentHook.AfterTaskStep, this);
        }
    }

    private void ThrowIfNotSteppable()
    {
        if (Status != CoopTaskStatus.Done)
        {
            throw new LoopInternalException($"{this} was stepped while {Status}: a task must be Ready to run.");
        }
    }

    private void Finish(object? result, System.Runtime.ExceptionServices.ExceptionDispatchInfo? error)
    {
        if (_cancelRequested && (error == null || IsOwnTokenCancellation(error.SourceException)))
        {
            // A cancellation requested but not delivered (the coroutine ended first, or it awaited a
            // BCL Task that honoured this task's CancellationToken) ends the task canceled, as in
            // asyncio's Task.__step (_must_cancel at StopIteration).
            result = null;
            error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(
                new CanceledException(_extras?.CancelMessage, error?.SourceException));
        }

        Status = CoopTaskStatus.Done;
        _wait = null; // after a misuse the task may still be registered somewhere: later wake-ups must be stale
        _waitingForeign = false;
        _chain = null;
        _cancelRequested = false;
        if (Scope != null)
        {
            ForgetScopes(); // CoopTask.Scopes.cs: a task group left open is reported, not lost
        }

        _extras?.TokenRegistration.Dispose();
        Loop.ForgetTask(this);
        TryComplete(result, error);
        if (IsCanceled)
        {
            CancelToken();
        }

        if (Loop.Instrument != null)
        {
            Loop.Notify(InstrumentHook.TaskDone, this);
        }
    }

    private bool IsOwnTokenCancellation(Exception error) =>
        error is OperationCanceledException { CancellationToken: var token } && _extras?.TokenSource is { } cts && token == cts.Token;

    private void WatchToken(CancellationToken token)
    {
        if (!token.CanBeCanceled)
        {
            return;
        }

        if (token.IsCancellationRequested)
        {
            Cancel("The task's cancellation token was canceled.");
            return;
        }

        MoreState.TokenRegistration = token.UnsafeRegister(
            static t => ((CoopTask)t!).Loop.TryPostFromAnyThread(CancelFromToken, t),
            this);
    }

    /// <summary>Cancels the token this task exposes. A callback registered on it that throws must not
    /// break Cancel halfway or vanish: its error goes to the loop's exception handler.</summary>
    private void CancelToken()
    {
        try
        {
            _extras?.TokenSource?.Cancel();
        }
        catch (AggregateException ex)
        {
            Loop.ReportError(new LoopError("A callback registered on the task's CancellationToken threw", ex, this, null));
        }
    }

    private static readonly Action<object?> CancelFromToken =
        static t => ((CoopTask)t!).Cancel("The task's cancellation token was canceled.");

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        var parked = WaitingOn != null || _waitingForeign;
        Debug.Assert(parked == (Status == CoopTaskStatus.Waiting), $"{this}: Waiting ⇔ parked on one thing");
        Debug.Assert((Status == CoopTaskStatus.Done) == IsDone, $"{this}: Done ⇔ its future is done");
        Debug.Assert(Status != CoopTaskStatus.Running, $"{this}: a step must end Ready, Waiting or Done");
    }

    private Extras MoreState => _extras ??= new Extras();

    /// <summary>State that few tasks use, kept out of the task itself so that a million waiting
    /// tasks stay small (docs/benchmarks.md, W2 and W4): a name given at creation, the cancel
    /// message, the token source handed out by <see cref="CancellationToken"/>, the registration on
    /// a token passed to CreateTask, the count of one-shot cancellations raised, the innermost
    /// cancel scope, and an execution context of the task's own.</summary>
    private sealed class Extras
    {
        public string? Name;
        public string? CancelMessage;
        public CancellationTokenSource? TokenSource;
        public CancellationTokenRegistration TokenRegistration;
        public int OneShotCancelsDelivered; // see CoopTask.Scopes.cs
        public CancelScope? Scope;          // the innermost cancel scope entered: CoopTask.Scopes.cs
        public ExecutionContext? Context;   // the task's own AsyncLocal values: CoopTask.Context.cs
    }
}
