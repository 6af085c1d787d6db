// A cancel scope (Trio's CancelScope): a block of one task's code that can be canceled as a unit,
// explicitly or when its deadline passes. Cancellation is level-triggered: every await inside a
// canceled scope raises CanceledException until the block is left, so an await in a finally block
// cannot hang. The scope catches its own CanceledException when it leaves the block (and only its
// own: the exception is tagged with the status that raised it). The kernel's part of a scope, its
// cancel status (Tasks/CancelStatus.cs), is what the task sees: the delivery rule (which scope,
// shields) and the tokens live in Tasks/CoopTask.Cancellation.cs; this file is the scope's own life.
//
// The move-on/fail-after family of static helpers is in CancelScope.Timeouts.cs.
//
// Why a coroutine-taking Run(body) and not `using (var scope = ...)`: Dispose cannot swallow the
// exception that ends the block, and catching it is the scope's whole point. docs/design.md says more.
//
// | state  | event                               | next   | effect                                              |
// |--------|-------------------------------------|--------|-----------------------------------------------------|
// | Idle   | RunAsync(body) starts               | Active | pushed on the task's scope stack; deadline armed    |
// | Idle   | Cancel(), Deadline/Shield set       | Idle   | recorded; a canceled scope raises at its 1st await  |
// | Active | Cancel() or the deadline passes     | Active | IsCancellationRequested; the task is woken if       |
// |        |                                     |        | parked and the cancellation reaches it (no shield   |
// |        |                                     |        | in between)                                         |
// | Active | Deadline set                        | Active | timer re-armed; a past deadline cancels at once     |
// | Active | Shield set false                    | Active | the task is woken if an outer cancellation waits    |
// | Active | the block ends                      | Exited | popped; timer disarmed; its own exception caught    |
// | Exited | RunAsync again                      | —      | InvalidOperationException: a scope runs once        |
// | Exited | Cancel(), Deadline/Shield set       | Exited | recorded, no effect                                 |
using System.Diagnostics;

namespace Coop;

/// <summary>
/// A block of one task's code that can be canceled as a unit, explicitly (<see cref="Cancel"/>) or when
/// its <see cref="Deadline"/> passes (Trio's <c>CancelScope</c>). Every await inside a canceled scope
/// raises <see cref="CanceledException"/> until the block is left; the scope then catches its own
/// cancellation (<see cref="CanceledCaught"/>). Scopes nest; a <see cref="Shield"/>ed scope keeps
/// outer cancellations (and <see cref="CoopTask.Cancel"/>) out until it is left.
/// </summary>
/// <example>
/// <code>
/// var scope = await CancelScope.MoveOnAfter(0.5, async _ =&gt; await Download());
/// if (scope.CanceledCaught) Console.WriteLine("gave up after 0.5 s");
/// await CancelScope.FailAfter(2, async _ =&gt; await Connect());   // TimeoutException after 2 s
/// </code>
/// </example>
[DebuggerDisplay("{ToString(),nq}")]
public sealed partial class CancelScope
{
    private const string CanceledMessage = "The cancel scope was canceled.";
    private const string DeadlineMessage = "The cancel scope's deadline passed.";

    private readonly CancelStatus _status;
    private double _deadline = double.PositiveInfinity;
    private Handle? _timer;

    /// <summary>Creates a scope with no deadline, not shielded; run a block in it with
    /// <see cref="RunAsync(Func{CancelScope, Coroutine})"/>.</summary>
    public CancelScope()
    {
        _status = new CancelStatus(Abandon);
    }

    /// <summary>Where the scope is in its life: idle, active (its block runs) or exited.</summary>
    public CancelScopeState State { get; private set; }

    /// <summary>True once the scope was canceled, by <see cref="Cancel"/> or its deadline.</summary>
    public bool IsCancellationRequested => _status.IsCanceled;

    /// <summary>True if the block ended with this scope's own cancellation, which the scope caught.</summary>
    public bool CanceledCaught { get; private set; }

    /// <summary>The loop time (see <see cref="EventLoop.Time"/>) at which the scope cancels itself;
    /// <see cref="double.PositiveInfinity"/> (the default) for none. Set it at any time to reschedule:
    /// a deadline already past cancels the scope at once.</summary>
    public double Deadline
    {
        get => _deadline;
        set
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("The deadline is NaN: give a loop time in seconds (EventLoop.Time() + delay), or PositiveInfinity for none.", nameof(value));
            }

            _status.Task?.Loop.CheckThread();
            _deadline = value;
            if (State == CancelScopeState.Active && !IsCancellationRequested)
            {
                ArmDeadline();
            }
        }
    }

    /// <summary>While true, cancellations from outside the scope (outer scopes, <see cref="CoopTask.Cancel"/>)
    /// do not reach the code inside it; they are delivered once it is left. The scope's own
    /// cancellation still does. Turn it on before the scope runs or from the scope's own task.</summary>
    public bool Shield
    {
        get => _status.Shield;
        set
        {
            if (value == _status.Shield)
            {
                return;
            }

            if (value && State == CancelScopeState.Active && CoopTask.Current != _status.Task)
            {
                // The task may already be woken for a cancellation the shield would now hide: the
                // await it resumes from could not complete. Trio has the same constraint in effect.
                throw new InvalidOperationException(
                    "A running cancel scope can be shielded only from its own task; set Shield before running it.");
            }

            _status.Task?.Loop.CheckThread();
            _status.Shield = value; // turned off in an active scope: the task is woken if an outer cancellation waits
        }
    }

    /// <summary>The task group whose body this scope covers, if any (for the leak report).</summary>
    internal TaskGroup? Group { get; init; }

    /// <summary>True for the scope a task group puts around a child task's whole coroutine.</summary>
    internal bool IsTaskBase { get; private set; }

    /// <summary>The kernel's part of the scope (what a task's chain of statuses holds).</summary>
    internal CancelStatus Status => _status;

    /// <summary>Cancels the scope: the code inside raises <see cref="CanceledException"/> at its
    /// current await (if parked) and at every later one, until the block is left. Idempotent. Call it
    /// on the loop thread (from another thread, post it with <see cref="EventLoop.CallSoonThreadsafe(Action)"/>).</summary>
    public void Cancel()
    {
        _status.Task?.Loop.CheckThread();
        CancelWith(CanceledMessage);
    }

    /// <summary>Runs <paramref name="body"/> inside this scope, in the current task; catches this
    /// scope's own cancellation when the body ends with it. A scope runs once.</summary>
    public Coroutine RunAsync(Func<CancelScope, Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunCore(body);
    }

    /// <summary>Runs <paramref name="body"/> inside this scope and returns its result, or default if
    /// the scope's cancellation ended it (see <see cref="CanceledCaught"/>).</summary>
    public Coroutine<T?> Run<T>(Func<CancelScope, Coroutine<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunCore(body);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"<CancelScope {State}{(IsCancellationRequested ? " canceled" : "")}{(Shield ? " shielded" : "")}" +
        $"{(double.IsPositiveInfinity(_deadline) ? "" : $" deadline={_deadline:0.###}")}>";

    /// <summary>True for the cancellation this scope raised (and catches when its block ends).</summary>
    internal bool Raised(CanceledException e) => e.Status == _status;

    /// <summary>Makes this scope the base of a new task's stack (a task group's child): active for
    /// the task's whole life, never left.</summary>
    internal void EnterAsTaskBase(CoopTask task)
    {
        IsTaskBase = true;
        Enter(task);
    }

    /// <summary>The task ended with this scope still active (its status says so, CancelStatus.cs).</summary>
    private void Abandon()
    {
        DisarmDeadline();
        State = CancelScopeState.Exited;
        if (!IsTaskBase)
        {
            Group?.Abandon(_status.Task!);
        }
    }

    private async Coroutine RunCore(Func<CancelScope, Coroutine> body)
    {
        Enter(CurrentTaskOrThrow());
        try
        {
            await (body(this) ?? throw new InvalidOperationException("The cancel scope's body returned null instead of a coroutine."));
        }
        catch (CanceledException e) when (Raised(e))
        {
            CanceledCaught = true;
        }
        finally
        {
            Exit();
        }
    }

    private async Coroutine<T?> RunCore<T>(Func<CancelScope, Coroutine<T>> body)
    {
        Enter(CurrentTaskOrThrow());
        try
        {
            return await (body(this) ?? throw new InvalidOperationException("The cancel scope's body returned null instead of a coroutine."));
        }
        catch (CanceledException e) when (Raised(e))
        {
            CanceledCaught = true;
            return default;
        }
        finally
        {
            Exit();
        }
    }

    private static CoopTask CurrentTaskOrThrow() =>
        CoopTask.Current ?? throw new InvalidOperationException(
            "A cancel scope runs inside a Coop task: await it from an async coroutine.");

    /// <summary>Enters the scope in <paramref name="task"/>, which must be running (a task group's
    /// body scope is entered so, without a Run block).</summary>
    internal void Enter(CoopTask task)
    {
        if (State != CancelScopeState.Idle)
        {
            throw new InvalidOperationException($"This cancel scope was already run ({State}): a scope runs one block; make a new one.");
        }

        State = CancelScopeState.Active;
        if (task.Loop.Options.Debug)
        {
            TaskTreeRecord.Entered(_status, this);
        }

        _status.Enter(task);
        if (!IsCancellationRequested)
        {
            ArmDeadline();
        }

        AssertInvariants();
    }

    internal void Exit()
    {
        DisarmDeadline();
        _status.Exit();
        State = CancelScopeState.Exited;
        AssertInvariants();
    }

    private void CancelWith(string reason)
    {
        if (IsCancellationRequested)
        {
            return;
        }

        DisarmDeadline();
        _status.Cancel(reason); // an active scope's task is woken if the cancellation reaches it

        AssertInvariants();
    }

    private void ArmDeadline()
    {
        DisarmDeadline();
        if (double.IsPositiveInfinity(_deadline))
        {
            return;
        }

        var loop = _status.Task!.Loop;
        if (_deadline <= loop.Time())
        {
            CancelWith(DeadlineMessage);
            return;
        }

        _timer = loop.AddTimer(loop.AbsoluteToDue(_deadline), OnDeadline, this);
    }

    private void DisarmDeadline()
    {
        _timer?.Cancel();
        _timer = null;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(State == CancelScopeState.Idle || _status.Task != null, $"{this}: a scope that ran knows its task");
        Debug.Assert(State == CancelScopeState.Active || _timer == null, $"{this}: only an active scope has a deadline timer");
        Debug.Assert(!IsCancellationRequested || _timer == null, $"{this}: a canceled scope has no deadline timer");
    }

    private static readonly Action<object?> OnDeadline = static s =>
    {
        var scope = (CancelScope)s!;
        scope._timer = null;
        if (scope.State == CancelScopeState.Active)
        {
            scope.CancelWith(DeadlineMessage);
        }
    };
}
