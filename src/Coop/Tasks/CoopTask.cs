// A task drives one coroutine on the loop, one step at a time (the talk's Task: a coroutine plus an
// integer id; asyncio's Task). It is a Future, completed when its coroutine ends. An async task is
// its root coroutine's box (AsyncTask in CompilerServices/StateMachineBox.cs), as .NET's own Task is
// its state machine's; a generator task (GeneratorTask.cs) holds its iterator. docs/internals.md
// walks through the life of one.
//
// The task's state is one phase plus a few marks. Every change is one of the transitions below, a
// method of this file; the loop, the builder and futures call them and never set the phase.
//
// | phase         | transition (called by)                        | next          | what happens                              |
// |---------------|-----------------------------------------------|---------------|-------------------------------------------|
// | (new)         | Launched (EventLoop.CreateTask)               | Ready         | its first step is queued (maybe batched)  |
// | Ready         | Step (the loop's pass)                        | Running       | a stale entry of a Done task is skipped   |
// | Running       | Yield (await Yield, yield return null)        | Ready         | queued at the back                        |
// | Running       | Park (await or yield a pending future)        | Parked        | Ready at once if a cancellation is due    |
// | Running       | BeginKernelAwait (builder → kernel awaiter)   | Suspending    | the awaiter parks it, or EndKernelAwait   |
// | Suspending    | Park / EndKernelAwait (the awaiter refused)   | Parked/Running|                                           |
// | Running       | ParkForeign (await of a BCL awaitable)        | ParkedForeign | woken through the inbox                   |
// | Parked        | Wake (the future completes)                   | Ready         | only if parked on that very future        |
// | Parked        | LeaveWaitIfCanceled (a cancellation is due)  | Ready         | leaves the future: the undo action        |
// | ParkedForeign | WakeFromForeign (posted from any thread)      | Ready         | ignored unless still ParkedForeign        |
// | Running       | Finish (the coroutine ends)                   | Done          | the future completes, once                |
// | not Done      | Cancel()                                      | (same)        | mark CancelRequested; raised at the next  |
// |               |                                               |               | await (a Parked task is woken first)      |
// Marks: CancelRequested (a one-shot Cancel() not raised yet), Started (the coroutine has run),
// Inline (ordinary async code inside the step runs a coroutine: it may not suspend), Swept (used by a
// future's sweep of stale waiters, Future.cs), InFirstStepBatch (its first step is run by the ready
// entry of the task made before it: EventLoop.QueueFirstStep).
// Invariants: Parked ⇔ _parkedOn != null; Done ⇔ the future is done.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Coop;

/// <summary>A coroutine running on an <see cref="EventLoop"/>, with an id, a name and a result
/// (the talk's <c>Task</c>, asyncio's <c>Task</c>). Create one with <see cref="EventLoop.CreateTask(Coroutine, string?, CancellationToken)"/>.</summary>
[DebuggerDisplay("{ToString(),nq}")]
public abstract partial class CoopTask : Future
{
    private static int s_lastId = -1;

    private Future? _parkedOn;         // the future the task is parked on, while Parked
    private protected Extras? _extras; // what few tasks use, made on first use
    private TaskPhase _phase;
    private TaskMarks _marks;

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

    private enum TaskPhase : byte
    {
        Ready,
        Running,
        Suspending,
        Parked,
        ParkedForeign,
        Done,
    }

    [Flags]
    private enum TaskMarks : byte
    {
        CancelRequested = 1,
        Started = 2,
        Inline = 4,
        Swept = 8,
        InFirstStepBatch = 16,
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
    public CoopTaskStatus Status => _phase switch
    {
        TaskPhase.Ready => CoopTaskStatus.Ready,
        TaskPhase.Running or TaskPhase.Suspending => CoopTaskStatus.Running,
        TaskPhase.Done => CoopTaskStatus.Done,
        _ => CoopTaskStatus.Waiting,
    };

    /// <summary>The next task in the loop's list of live tasks (EventLoop.Tasks.cs).</summary>
    internal CoopTask? NextLive { get; set; }

    /// <summary>What the task waits on, for deadlock reports: "Sleep", "Future", "a foreign awaitable".</summary>
    internal string? WaitingOnDescription =>
        _parkedOn?.Describe() ?? (_phase == TaskPhase.ParkedForeign ? "a foreign awaitable (another thread completes it)" : null);

    /// <summary>What runs when the task runs: the innermost frame of its coroutine chain. For an async
    /// task, a Coroutine it awaits or the task itself (its root: CompilerServices/StateMachineBox.cs);
    /// for a generator task, the innermost iterator (GeneratorTask.cs).</summary>
    internal object? Innermost { get; set; }

    internal bool IsCancelRequested => (_marks & TaskMarks.CancelRequested) != 0;

    internal bool IsStarted => (_marks & TaskMarks.Started) != 0;

    internal bool IsSwept => (_marks & TaskMarks.Swept) != 0;

    /// <summary>True for a task that drives a generator coroutine.</summary>
    internal bool IsGenerator => this is GeneratorTask;

    internal bool IsParkedOn(Future future) => _parkedOn == future;

    /// <summary>The future the task is parked on, or null (task dumps, wait-for graphs).</summary>
    internal Future? ParkedOn => _parkedOn;

    internal void MarkSwept(bool swept) => _marks = swept ? _marks | TaskMarks.Swept : _marks & ~TaskMarks.Swept;

    /// <summary>Requests cancellation: a <see cref="CanceledException"/> is raised at the task's
    /// await point (a generator coroutine is disposed, running its finally blocks), and the task ends
    /// canceled unless its coroutine catches it. Returns false if the task is already done.</summary>
    public override bool Cancel(string? message = null)
    {
        Loop.CheckThread();
        if (_phase == TaskPhase.Done)
        {
            return false;
        }

        _marks |= TaskMarks.CancelRequested;
        if (message != null || _extras != null)
        {
            MoreState.CancelMessage = message;
        }

        OnCancellationChanged();
        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"<CoopTask {Id} '{Name}' {(IsDone ? State.ToString() : Status.ToString())}>";

    internal override string Describe() => $"Task {Id} ('{Name}')";

    /// <summary>Launch: the task is Ready; the loop queues its first step, alone or in the batch of
    /// the task made just before it (EventLoop.QueueFirstStep).</summary>
    internal void Launched(bool inBatch)
    {
        _phase = TaskPhase.Ready;
        if (inBatch)
        {
            _marks |= TaskMarks.InFirstStepBatch;
        }
    }

    /// <summary>True if the task's first step was in a batch (the batch runs it now).</summary>
    internal bool LeaveFirstStepBatch()
    {
        var inBatch = (_marks & TaskMarks.InFirstStepBatch) != 0;
        _marks &= ~TaskMarks.InFirstStepBatch;
        return inBatch;
    }

    /// <summary>Yield and Wake: queue the task's next step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void MakeReady()
    {
        _phase = TaskPhase.Ready;
        Loop.ScheduleStep(this);
    }

    /// <summary>An async coroutine of this task yields (generators go through MakeReady directly).</summary>
    internal void Yield()
    {
        RefuseSuspensionWhileInline();
        MakeReady();
    }

    /// <summary>Parks the task on <paramref name="future"/>; it is made ready when the future completes.</summary>
    internal void Park(Future future)
    {
        if (future is YieldFuture && future.Loop == Loop)
        {
            Yield(); // Sleep(0): a plain yield (Core/YieldFuture.cs)
            return;
        }

        RefuseSuspensionWhileInline(future);
        if (WhyCannotParkOn(future) is { } why)
        {
            throw new InvalidOperationException(why);
        }

        _phase = TaskPhase.Parked;
        _parkedOn = future;
        future.AddWaiter(this);
        if (IsCancelRequested || _extras?.Status != null)
        {
            // The task canceled itself, or awaits inside a canceled scope (in a finally block, say):
            // the wait ends at once instead of hanging.
            var raisedBefore = IsCancellationDue(out var due) && due is { WasRaised: true };
            LeaveWaitIfCanceled();
            if (raisedBefore && Loop.ActiveInstrument != null)
            {
                Loop.Notify(InstrumentHook.AwaitedWhileCanceled, this); // level-triggered: cleanup cut short
            }
        }
    }

    private protected string? WhyCannotParkOn(Future future) =>
        future == this ? $"{Describe()} awaits itself: it would never finish."
        : future.Loop != Loop ? $"{Describe()} awaits a future of another event loop."
        : null;

    /// <summary>The builder hands an await to a kernel awaiter's OnCompleted, which parks the task
    /// (Suspension.ParkOn) when it sees this phase; any other caller of that awaiter does not. A task
    /// that may not suspend is refused in <see cref="Park"/>, which takes the awaiter's future back.</summary>
    internal void BeginKernelAwait() => _phase = TaskPhase.Suspending;

    /// <summary>After the kernel awaiter returned or threw: a task it did not park runs on.</summary>
    internal void EndKernelAwait()
    {
        if (_phase == TaskPhase.Suspending)
        {
            _phase = TaskPhase.Running;
        }
    }

    internal bool IsSuspendingInKernelAwait => _phase == TaskPhase.Suspending;

    /// <summary>Parks the task on an awaitable of another world (a BCL Task): its completion, on any
    /// thread, calls <see cref="ForeignWake"/>.</summary>
    internal void ParkForeign()
    {
        RefuseSuspensionWhileInline();
        _phase = TaskPhase.ParkedForeign;
        Loop.ForeignWaits++;
    }

    /// <summary>The foreign awaiter threw instead of taking the continuation: the task runs on.</summary>
    internal void UnparkForeign()
    {
        _phase = TaskPhase.Running;
        Loop.ForeignWaits--;
    }

    /// <summary>The callback a foreign awaitable calls (on any thread) when it completes.</summary>
    /// <remarks>Made per foreign await rather than kept in a field that every task would carry.</remarks>
    internal Action ForeignWake => WakeFromForeign;

    private void WakeFromForeign()
    {
        if (!Loop.IsOnLoopThread)
        {
            Loop.TryPostFromAnyThread(static t => ((CoopTask)t!).WakeFromForeign(), this);
            return;
        }

        if (_phase == TaskPhase.ParkedForeign)
        {
            Loop.ForeignWaits--;
            MakeReady();
            NoteWoken(null);
        }
    }

    /// <summary>Called by a completing future this task registered on; stale calls are ignored.</summary>
    internal void Wake(Future future)
    {
        if (_parkedOn == future)
        {
            _parkedOn = null;
            MakeReady();
            NoteWoken(future);
        }
    }

    /// <summary>Tells the instrument, if any, that a wait ended (LoopInstrument.TaskWoken).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteWoken(Future? by)
    {
        if (Loop.ActiveInstrument != null)
        {
            Loop.Notify(InstrumentHook.TaskWoken, this, by);
        }
    }

    /// <summary>Every way of canceling calls this after it changed something (Cancel, a status
    /// canceled, a shield turned off): the wait is undone if a cancellation is now due, and the
    /// tokens handed out to .NET code follow (CoopTask.Cancellation.cs).</summary>
    internal void OnCancellationChanged()
    {
        LeaveWaitIfCanceled();
        RefreshTokens();
    }

    /// <summary>The undo action of a wait (STYLE 8): if the task is parked and a cancellation is due,
    /// it leaves the future (its later wake-up is stale), cancels it if it existed only for this wait
    /// (a sleep), and is made ready, so the await point raises.</summary>
    private void LeaveWaitIfCanceled()
    {
        if (_parkedOn is { } future && IsCancellationDue(out _))
        {
            _parkedOn = null;
            future.NoteWaiterLeft();
            MakeReady();
            NoteWoken(future);
            if (future.CancelWithWaiter && !future.HasOtherParkedTask(this))
            {
                future.Cancel(_extras?.CancelMessage); // not when shared: canceling a waiter never harms other waiters
            }
        }
    }

    /// <summary>Runs the coroutine until it yields, parks or ends. Called by the loop for a ready
    /// entry that names this task; no exception but a LoopInternalException escapes a step.</summary>
    internal void Step()
    {
        if (_phase != TaskPhase.Ready)
        {
            ThrowIfNotSteppable();
            return; // queued before the task ended (a stale entry)
        }

        var loop = Loop; // the loop has made this task its SteppingTask (CoopTask.Current)
        _phase = TaskPhase.Running;
        if (loop.StepInstrument != null)
        {
            loop.Notify(InstrumentHook.BeforeTaskStep, this);
        }

        // CoopTask.Context.cs: the task's own AsyncLocal values, if any (not when the runtime hides them).
        var loopThread = loop.ContextThread;
        var context = loopThread != null ? EnterContext(loopThread) : null;
        Run();
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

    /// <summary>One step of the coroutine: returns when the task is no longer Running.</summary>
    private protected abstract void Run();

    /// <summary>An async task's step (its box calls it with its state machine, the root frame):
    /// resumes the innermost frame, the root or a coroutine it awaits, until the task yields, parks or
    /// ends. An awaited coroutine starts here, and a caller resumes here when its callee ended
    /// (Coroutine.cs): a trampoline, so a chain 100,000 awaits deep neither recurses nor costs per
    /// frame to resume.</summary>
    private protected void RunFrames<TStateMachine>(ref TStateMachine root)
        where TStateMachine : IAsyncStateMachine
    {
        if (!IsStarted && !Start())
        {
            return;
        }

        do
        {
            var frame = Innermost;
            if (frame == this)
            {
                root.MoveNext();
            }
            else
            {
                ((Coroutine)frame!).MoveNext();
            }
        }
        while (_phase == TaskPhase.Running);
    }

    /// <summary>The root coroutine of an async task ended, with <paramref name="error"/> or not.</summary>
    internal void FinishRoot(Exception? error) =>
        Finish(null, error == null ? null : ExceptionDispatchInfo.Capture(TranslateCancellation(error)));

    /// <summary>The first step: true if the coroutine may run, false if the task was canceled
    /// before it ever ran (it then ends canceled, as in asyncio, without running a line).</summary>
    private protected bool Start()
    {
        _marks |= TaskMarks.Started;
        if (!IsCancelRequested)
        {
            return true;
        }

        Finish(null, ExceptionDispatchInfo.Capture(new CanceledException(_extras?.CancelMessage)));
        return false;
    }

    private void ThrowIfNotSteppable()
    {
        if (_phase != TaskPhase.Done)
        {
            throw new LoopInternalException($"{this} was stepped while {_phase}: a task must be Ready to run.");
        }
    }

    /// <summary>Ordinary async code inside a step awaits a coroutine (Coroutine.RunForForeignCaller):
    /// it runs it now, to its end, because that code goes on after its await. The coroutine may not
    /// suspend: the step would park under code that has already moved on.</summary>
    internal void RunInline(Coroutine callee, Action continuation)
    {
        var caller = Innermost;
        var outerInline = _marks & TaskMarks.Inline;
        _marks |= TaskMarks.Inline;
        Innermost = callee;
        callee.BeginFor(continuation);
        while (!callee.HasEnded)
        {
            ((Coroutine)Innermost!).MoveNext();
        }

        Innermost = caller;
        _marks = (_marks & ~TaskMarks.Inline) | outerInline;
        continuation();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // on every suspension: the check inline, the throw apart
    private void RefuseSuspensionWhileInline(Future? wait = null)
    {
        if ((_marks & TaskMarks.Inline) != 0)
        {
            ThrowSuspendedInline(wait);
        }
    }

    /// <summary>The suspension will not happen. A future made for that one wait (a socket's readiness,
    /// a sleep's timer) is taken back with it, or it would hold the socket's waiter slot or the timer.</summary>
    private void ThrowSuspendedInline(Future? wait)
    {
        if (wait is { CancelWithWaiter: true } && wait.Loop == Loop)
        {
            wait.Cancel();
        }

        throw new InvalidOperationException(
            "A Coop coroutine was awaited from ordinary async code (an async Task method) inside this task and it " +
            "tried to suspend: await coroutines only from async Coroutine methods, or run it as its own task " +
            "(await loop.CreateTask(coroutine)).");
    }

    /// <summary>The coroutine ended: the task is done and its future completes, once.</summary>
    private protected void Finish(object? result, ExceptionDispatchInfo? error)
    {
        if (IsCancelRequested && error == null)
        {
            // A cancellation requested but not raised (the coroutine ended before its next await)
            // ends the task canceled, as in asyncio's Task.__step (_must_cancel at StopIteration).
            result = null;
            error = ExceptionDispatchInfo.Capture(new CanceledException(_extras?.CancelMessage));
        }

        _phase = TaskPhase.Done;
        _parkedOn = null; // after a misuse the task may still be listed somewhere: later wake-ups are stale
        Innermost = null;
        _marks &= ~TaskMarks.CancelRequested;
        if (_extras != null)
        {
            ForgetExtras(); // CoopTask.Cancellation.cs: statuses never left are reported, not lost
        }

        Loop.ForgetTask();
        TryComplete(result, error);
        if (IsCanceled)
        {
            RefreshTokens();
        }

        if (Loop.ActiveInstrument != null)
        {
            Loop.Notify(InstrumentHook.TaskDone, this);
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert((_phase == TaskPhase.Parked) == (_parkedOn != null), $"{this}: Parked ⇔ parked on one future");
        Debug.Assert((_phase == TaskPhase.Done) == IsDone, $"{this}: Done ⇔ its future is done");
        Debug.Assert(_phase is not (TaskPhase.Running or TaskPhase.Suspending), $"{this}: a step ends Ready, Parked or Done");
    }

    private protected Extras MoreState => _extras ??= new Extras();

    /// <summary>State that few tasks use, kept out of the task itself so that a million waiting
    /// tasks stay small (docs/benchmarks.md, W2 and W4).</summary>
    private protected sealed class Extras
    {
        public string? Name;                                 // given at creation or later
        public string? CancelMessage;                        // of the one-shot Cancel()
        public CancellationTokenSource? TokenSource;         // the task's token outside every status
        public CancellationTokenRegistration TokenRegistration; // on a token passed to CreateTask
        public CancelStatus? Status;                         // the innermost cancel status entered
        public ExecutionContext? Context;                    // the task's own AsyncLocal values
        public GeneratorTask.Frame[]? Callers;               // a generator's frames below the innermost
        public int Depth;                                    // how many of Callers are in use
    }
}
