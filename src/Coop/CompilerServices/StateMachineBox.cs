// The heap homes of an async coroutine's state machine. Calling an `async Coroutine` method copies
// the compiler's state machine into a StateMachineBox, which is the Coroutine the method returns
// (a cold start: nothing runs yet). Awaited, the box is a frame of the awaiting task's chain. Made a
// task, the state machine moves on into an AsyncTask, which is the task and its root frame at once:
// one object per task, as .NET's Task is its state machine's box. The box left behind is garbage
// unless the caller keeps it (then it reports on the task); the builders hold no reference to it.
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

internal sealed class StateMachineBox<TStateMachine> : Coroutine
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    internal override void MoveNext() => StateMachine.MoveNext();

    internal override CoopTask IntoTask(EventLoop loop, string? name)
    {
        ClaimForTask();
        var task = new AsyncTask<TStateMachine>(loop, name) { StateMachine = StateMachine };
        StateMachine = default!;
        BecameTask(task);
        return task;
    }
}

internal sealed class StateMachineBox<TStateMachine, TResult> : Coroutine<TResult>
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    internal override void MoveNext() => StateMachine.MoveNext();

    internal override CoopTask IntoTask(EventLoop loop, string? name)
    {
        ClaimForTask();
        var task = new AsyncTask<TStateMachine, TResult>(loop, name) { StateMachine = StateMachine };
        StateMachine = default!;
        BecameTask(task);
        return task;
    }
}

/// <summary>An async task: the task and its root coroutine's state machine in one object.</summary>
internal sealed class AsyncTask<TStateMachine> : CoopTask
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    internal AsyncTask(EventLoop loop, string? name)
        : base(loop, name)
    {
        Innermost = this; // the root frame runs first
    }

    private protected override void Run() => RunFrames(ref StateMachine);
}

/// <summary>An async task whose root coroutine returns a <typeparamref name="TResult"/>.</summary>
internal sealed class AsyncTask<TStateMachine, TResult> : CoopTask<TResult>
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    internal AsyncTask(EventLoop loop, string? name)
        : base(loop, name)
    {
        Innermost = this; // the root frame runs first
    }

    private protected override void Run() => RunFrames(ref StateMachine);
}
