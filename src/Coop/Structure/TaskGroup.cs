// A task group (asyncio's TaskGroup, Trio's nursery): child tasks that cannot outlive a block of the
// parent's code. If a child fails, the group cancels the other children and the rest of the body,
// waits for every child, and raises one TaskGroupException holding every error. Canceling the
// parent cancels the children, through the parent: the parent is woken at its await (in the body or
// in the group's final wait), and the group relays the cancellation to each child.
//
// How children are canceled: an async child runs inside its own cancel scope, made the base of its
// task's scope stack (CancelScope.EnterAsTaskBase), so the cancellation is level-triggered in the
// child as in Trio; a generator child gets the one-shot CoopTask.Cancel (an iterator cannot await in
// a finally block anyway). How the body is canceled: an async parent's body runs inside the group's
// body scope, entered by the constructor and left when the group closes.
//
// | phase   | event                          | next    | effect                                          |
// |---------|--------------------------------|---------|-------------------------------------------------|
// | Open    | Start(child)                   | Open    | child task created (already canceled if aborting) |
// | Open    | a child fails                  | Open    | error kept; other children and the body canceled |
// | Open    | close (Run ends, CloseAsync)   | Closing | body scope left; waits for every child          |
// | Closing | a child fails                  | Closing | error kept; other children canceled            |
// | Closing | the parent is canceled        | Closing | children canceled; the wait goes on, shielded  |
// | Closing | the last child ends            | Closed  | TaskGroupException if any error, else the       |
// |         |                                |         | parent's own cancellation, else nothing         |
// | Closed  | Start(child)                   | —       | InvalidOperationException                       |
// Children may start siblings while the group is Open or Closing, as in asyncio.
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Coop;

/// <summary>
/// Child tasks that cannot outlive a block of code (asyncio's <c>TaskGroup</c>, Trio's nursery). In an
/// async coroutine: <c>await TaskGroup.Run(async group => { group.Start(...); ... });</c>. Start children
/// with <see cref="Start(Coroutine, string?)"/> (or <see cref="CreateTask{T}(Coroutine{T}, string?)"/> to
/// keep the task); the end of the block waits for all of them. If one fails, or the block throws, the
/// others and the rest of the block are canceled and the errors surface together as a
/// <see cref="TaskGroupException"/>; canceling the parent cancels the children.
/// </summary>
/// <remarks>
/// There is no <c>await using</c> form: C# does not tell <c>DisposeAsync</c> how the block ended, so an
/// exception thrown by the block would neither cancel the children nor join the group's errors.
/// Generator coroutines, which cannot await a lambda, open a group with <see cref="TaskGroup()"/> and
/// end it with <c>yield return group.CloseAsync()</c>. See docs/structure.md.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class TaskGroup
{
    private readonly CoopTask _parent;
    private readonly EventLoop _loop;
    private readonly CancelScope _bodyScope;
    private readonly bool _interruptsBody;
    private const int LiveTrimAbove = 1024;
    private readonly Dictionary<CoopTask, CancelScope?> _live = [];
    private readonly List<Exception> _errors = [];
    private readonly Action<Future> _onChildDone;
    private Phase _phase;
    private bool _aborting;
    private bool _abandoned;
    private Future? _allDone;
    private Future? _completion;

    /// <summary>For generator coroutines: opens a group whose parent is the running generator task;
    /// end it with <c>yield return group.CloseAsync()</c>. Async coroutines use
    /// <see cref="Run(Func{TaskGroup, Coroutine})"/>.</summary>
    /// <exception cref="InvalidOperationException">Not called from a generator task.</exception>
    public TaskGroup()
        : this(CoopTask.Current is { IsGenerator: true } parent ? parent : throw new InvalidOperationException(
            CoopTask.Current == null
                ? "A TaskGroup is opened inside a Coop task: `await TaskGroup.Run(async group => ...)` in an async coroutine."
                : "In an async coroutine, open a task group with `await TaskGroup.Run(async group => { ... })`: it sees an " +
                  "exception thrown by the block, which an explicitly closed group cannot."))
    {
    }

    private TaskGroup(CoopTask parent)
    {
        _parent = parent;
        _loop = _parent.Loop;
        _onChildDone = OnChildDone;
        // The body scope also marks the group as open on the parent's scope stack, so a group never
        // closed is reported when its task ends. A generator's body is never canceled through it: a
        // generator resumed early from its yield would read a future that is not done.
        _interruptsBody = !_parent.IsGenerator;
        _bodyScope = new CancelScope { Group = this };
        _bodyScope.Enter(_parent);
    }

    private enum Phase
    {
        Open,
        Closing,
        Closed,
    }

    /// <summary>How many children have not finished yet.</summary>
    public int Count => _live.Count;

    /// <summary>True once the group is canceling its children (a child failed, the parent was
    /// canceled, or <see cref="Cancel"/> was called); children started from now on start canceled.</summary>
    public bool IsCanceling => _aborting;

    /// <summary>Runs <paramref name="body"/> with a new group, then waits for every child. An
    /// exception thrown by the body also cancels the children and is raised in the
    /// <see cref="TaskGroupException"/> with theirs (first).</summary>
    public static Coroutine Run(Func<TaskGroup, Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunCore(body);
    }

    /// <summary>Runs <paramref name="body"/> with a new group, waits for every child, and returns the
    /// body's result (see <see cref="Run(Func{TaskGroup, Coroutine})"/>).</summary>
    public static Coroutine<T> Run<T>(Func<TaskGroup, Coroutine<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunCore(body);
    }

    /// <summary>Starts <paramref name="coroutine"/> as a child task of the group (Trio's
    /// <c>start_soon</c>). Use <see cref="CreateTask{T}(Coroutine{T}, string?)"/> to keep the task.</summary>
    public void Start(Coroutine coroutine, string? name = null) => CreateTask(coroutine, name);

    /// <summary>Starts a generator coroutine as a child task of the group.</summary>
    public void Start(IEnumerable<object?> generator, string? name = null) => CreateTask(generator, name);

    /// <summary>Starts <paramref name="coroutine"/> as a child task of the group and returns the task
    /// (asyncio's <c>TaskGroup.create_task</c>).</summary>
    public CoopTask CreateTask(Coroutine coroutine, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckCanStart();
        return Adopt(_loop.CreateTask(coroutine, name), withScope: true);
    }

    /// <summary>Starts <paramref name="coroutine"/> as a child task of the group and returns the task,
    /// whose <see cref="CoopTask{T}.Result"/> is the coroutine's result once the group has closed.</summary>
    public CoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckCanStart();
        return (CoopTask<T>)Adopt(_loop.CreateTask(coroutine, name), withScope: true);
    }

    /// <summary>Starts a generator coroutine as a child task of the group and returns the task.</summary>
    public CoopTask CreateTask(IEnumerable<object?> generator, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckCanStart();
        return Adopt(_loop.CreateTask(generator, name), withScope: false);
    }

    /// <summary>Cancels every child (Trio's <c>nursery.cancel_scope.cancel()</c>, without the body:
    /// the body is your code, return from it). The group then ends normally unless a child failed.</summary>
    public void Cancel()
    {
        _loop.CheckThread();
        Abort(includeBody: false);
    }

    /// <summary>For generator coroutines: closes the group and returns a future that completes when
    /// every child has ended, failing with a <see cref="TaskGroupException"/> if any failed. A yield
    /// does not raise, so read the outcome after it: <c>var closing = group.CloseAsync(); yield return closing;
    /// _ = closing.Result;</c> (errors never read go to the loop's exception handler). If the waiting task is canceled, the children
    /// are canceled but not waited for (an iterator cannot wait in a finally block).</summary>
    public Future CloseAsync()
    {
        BeginClose();
        _completion = new Future(_loop) { CancelWithWaiter = true };
        _completion.AddDoneCallback(f =>
        {
            if (f.IsCanceled)
            {
                Abort(includeBody: false);
            }
        });
        if (_live.Count == 0)
        {
            FinishCompletion();
        }

        return _completion;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"<TaskGroup {_phase}{(_aborting ? " canceling" : "")} children={_live.Count} errors={_errors.Count}>";

    /// <summary>The task whose code opened the group.</summary>
    internal CoopTask Parent => _parent;

    /// <summary>The scope around the group's body: its cancel status links to the scopes the group was opened in.</summary>
    internal CancelScope BodyScope => _bodyScope;

    /// <summary>True until the group's block ends (then it only waits for its children).</summary>
    internal bool IsOpen => _phase == Phase.Open;

    /// <summary>The parent ended with the group still open (CoopTask.ForgetScopes): report it, cancel
    /// the children, and send their later errors to the loop's handler.</summary>
    internal void Abandon(CoopTask parent)
    {
        _abandoned = true;
        _phase = Phase.Closed;
        _loop.ReportError(new LoopError(
            $"A TaskGroup opened in {parent.Describe()} was never closed: end it with `yield return group.CloseAsync()` " +
            "(or, in an async coroutine, use TaskGroup.Run); its children were canceled.",
            _errors.Count > 0 ? new TaskGroupException(_errors) : null, parent, null));
        Abort(includeBody: false);
    }

    private static async Coroutine RunCore(Func<TaskGroup, Coroutine> body)
    {
        var group = Open();
        ExceptionDispatchInfo? error = null;
        try
        {
            await (body(group) ?? throw new InvalidOperationException("The task group's body returned null instead of a coroutine."));
        }
#pragma warning disable CA1031 // every error of the body goes into the group's exception, as in asyncio's __aexit__
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = ExceptionDispatchInfo.Capture(e);
        }

        await group.CloseCore(error);
    }

    private static async Coroutine<T> RunCore<T>(Func<TaskGroup, Coroutine<T>> body)
    {
        var group = Open();
        ExceptionDispatchInfo? error = null;
        T result = default!;
        try
        {
            result = await (body(group) ?? throw new InvalidOperationException("The task group's body returned null instead of a coroutine."));
        }
#pragma warning disable CA1031 // every error of the body goes into the group's exception, as in asyncio's __aexit__
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = ExceptionDispatchInfo.Capture(e);
        }

        await group.CloseCore(error);
        return result;
    }

    private static TaskGroup Open() => new(CoopTask.Current ?? throw new InvalidOperationException(
        "TaskGroup.Run is awaited inside a Coop task (an async coroutine run by EventLoop.Run or loop.CreateTask)."));

    private async Coroutine CloseCore(ExceptionDispatchInfo? bodyError)
    {
        BeginClose();
        ExceptionDispatchInfo? canceled = null;
        switch (bodyError?.SourceException)
        {
            case null:
                break;
            case CanceledException own when _bodyScope.Raised(own):
                break; // the group interrupted its own body because a child failed: that error says it all
            case CanceledException:
                canceled = bodyError;
                Abort(includeBody: false);
                break;
            case var error:
                _errors.Insert(0, error);
                Abort(includeBody: false);
                break;
        }

        while (_live.Count > 0)
        {
            var allDone = _allDone ??= new Future(_loop);
            if (canceled == null)
            {
                try
                {
                    await allDone;
                }
                catch (CanceledException e)
                {
                    // The parent was canceled while waiting: relay it to the children, keep waiting
                    // (shielded: a canceled scope would raise again at once), raise it at the end.
                    canceled = ExceptionDispatchInfo.Capture(e);
                    Abort(includeBody: false);
                }
            }
            else
            {
                await CancelScope.Shielded(async _ => await allDone);
            }
        }

        _phase = Phase.Closed;
        if (_errors.Count > 0)
        {
            throw new TaskGroupException(_errors);
        }

        canceled?.Throw();
    }

    private void BeginClose()
    {
        _loop.CheckThread();
        if (_phase != Phase.Open)
        {
            throw new InvalidOperationException("This task group is already closed: a group is closed once.");
        }

        if (CoopTask.Current != _parent)
        {
            throw new InvalidOperationException($"A task group is closed by the task that opened it ({_parent.Describe()}).");
        }

        _phase = Phase.Closing;
        _bodyScope.Exit();
        AssertInvariants();
    }

    private void CheckCanStart()
    {
        _loop.CheckThread();
        if (_phase == Phase.Closed)
        {
            throw new InvalidOperationException(
                "This task group is closed: start children inside its block, or from its children while it waits.");
        }
    }

    private CoopTask Adopt(CoopTask child, bool withScope)
    {
        CancelScope? scope = null;
        if (withScope)
        {
            scope = new CancelScope();
            scope.EnterAsTaskBase(child);
        }

        _live.Add(child, scope);
        if (_loop.Options.Debug)
        {
            TaskTreeRecord.Started(child, this);
        }

        child.AddDoneCallback(_onChildDone);
        if (_aborting)
        {
            CancelChild(child, scope);
        }

        return child;
    }

    private void OnChildDone(Future future)
    {
        var child = (CoopTask)future;
        _live.Remove(child);
        if (_live.Count < LiveTrimAbove / 8 && _live.EnsureCapacity(0) > LiveTrimAbove)
        {
            _live.TrimExcess(); // a long-lived group (a server's) gives back what a burst of children took
        }

        if (child.State == FutureState.Failed)
        {
            var error = child.Exception!;
            if (_abandoned)
            {
                _loop.ReportError(new LoopError("A child of an abandoned TaskGroup failed", error, child, null));
            }
            else
            {
                _errors.Add(error);
            }

            Abort(includeBody: true);
        }

        if (_live.Count == 0 && _phase == Phase.Closing)
        {
            _allDone?.TrySetResult();
            if (_completion != null)
            {
                FinishCompletion();
            }
        }

        AssertInvariants();
    }

    private void FinishCompletion()
    {
        _phase = Phase.Closed;
        if (_errors.Count > 0 && _completion!.IsDone)
        {
            // The waiting generator was canceled (its wait, Close()'s future, with it): the children's
            // errors still go somewhere.
            _loop.ReportError(new LoopError("A task group's children failed after the task waiting on Close() was canceled",
                new TaskGroupException(_errors), _parent, null));
        }
        else if (_errors.Count > 0)
        {
            _completion!.TrySetException(new TaskGroupException(_errors));
            // A generator reads the outcome after its yield (a yield does not raise); if it never
            // does, the errors are reported as any unread failure is, with a message that says how.
            _completion.DescribeUnobservedError("A task group's errors were never retrieved (read Result after yielding CloseAsync())");
        }
        else
        {
            _completion!.TrySetResult();
        }
    }

    private void Abort(bool includeBody)
    {
        if (includeBody && _phase == Phase.Open && _interruptsBody)
        {
            _bodyScope.Cancel();
        }

        if (_aborting)
        {
            return;
        }

        _aborting = true;
        foreach (var (child, scope) in _live)
        {
            CancelChild(child, scope);
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_phase != Phase.Closed || _abandoned || _live.Count == 0, $"{this}: a closed group has no live child");
        Debug.Assert(_phase == Phase.Open || _bodyScope.State == CancelScopeState.Exited, $"{this}: only an open group's body scope is active");
    }

    private static void CancelChild(CoopTask child, CancelScope? scope)
    {
        if (scope != null)
        {
            scope.Cancel();
        }
        else
        {
            child.Cancel("The task group is canceling its children.");
        }
    }
}
