// The async method builders behind `async Coroutine` and `async Coroutine<T>` methods.
// The compiler calls Create, then Start (Coop boxes the state machine and does not run it: a
// coroutine starts when awaited or made a task), then Task; the state machine later calls
// AwaitUnsafeOnCompleted at each suspension, and SetResult or SetException at its end.
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

/// <summary>Builds <see cref="Coroutine"/>s for <c>async Coroutine</c> methods. Used by the compiler.</summary>
public struct CoroutineMethodBuilder
{
    private Coroutine? _coroutine;

    /// <summary>The coroutine the method returns.</summary>
    public Coroutine Task => _coroutine!;

    /// <summary>Creates a builder.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>Boxes the state machine without running it (coroutines start cold).</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var box = new StateMachineBox<TStateMachine>();
        _coroutine = box; // before the copy, so the boxed builder knows its coroutine too
        box.StateMachine = stateMachine;
    }

    /// <summary>Not used: the box is made in <see cref="Start{TStateMachine}"/>.</summary>
#pragma warning disable CA1822 // the compiler calls it as an instance method
    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }
#pragma warning restore CA1822

    /// <summary>Ends the coroutine.</summary>
    public readonly void SetResult() => _coroutine!.SetVoidResult();

    /// <summary>Ends the coroutine with an exception.</summary>
    public readonly void SetException(Exception exception) => _coroutine!.SetException(exception);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine!);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.AwaitUnsafe(ref awaiter, _coroutine!);
}

/// <summary>Builds <see cref="Coroutine{T}"/>s for <c>async Coroutine&lt;T&gt;</c> methods. Used by the compiler.</summary>
public struct CoroutineMethodBuilder<T>
{
    private Coroutine<T>? _coroutine;

    /// <summary>The coroutine the method returns.</summary>
    public Coroutine<T> Task => _coroutine!;

    /// <summary>Creates a builder.</summary>
    public static CoroutineMethodBuilder<T> Create() => default;

    /// <summary>Boxes the state machine without running it (coroutines start cold).</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var box = new StateMachineBox<TStateMachine, T>();
        _coroutine = box;
        box.StateMachine = stateMachine;
    }

    /// <summary>Not used: the box is made in <see cref="Start{TStateMachine}"/>.</summary>
#pragma warning disable CA1822 // the compiler calls it as an instance method
    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }
#pragma warning restore CA1822

    /// <summary>Ends the coroutine with its result.</summary>
    public readonly void SetResult(T result) => _coroutine!.SetResult(result);

    /// <summary>Ends the coroutine with an exception.</summary>
    public readonly void SetException(Exception exception) => _coroutine!.SetException(exception);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine!);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.AwaitUnsafe(ref awaiter, _coroutine!);
}
