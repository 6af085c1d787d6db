// The async method builders behind `async Coroutine` and `async Coroutine<T>` methods. The compiler
// calls Create, then Start (Coop boxes the state machine and does not run it: a coroutine starts
// when awaited or made a task), then Task; the state machine later calls AwaitUnsafeOnCompleted at
// each suspension, and SetResult or SetException at its end. The builders hold nothing: what they
// do is in Suspension.cs, which says why (a builder field would cost every coroutine 8 bytes).
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

/// <summary>Builds <see cref="Coroutine"/>s for <c>async Coroutine</c> methods. Used by the compiler.</summary>
[SuppressMessage("Performance", "CA1822", Justification = "The compiler calls the builder's members on an instance.")]
public struct CoroutineMethodBuilder
{
    /// <summary>The coroutine the method returns.</summary>
    public readonly Coroutine Task => Suspension.TakeMade();

    /// <summary>Creates a builder.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>Boxes the state machine without running it (coroutines start cold).</summary>
    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Made(new StateMachineBox<TStateMachine> { StateMachine = stateMachine });

    /// <summary>Not used: the box is made in <see cref="Start{TStateMachine}"/>.</summary>
    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Ends the coroutine.</summary>
    public readonly void SetResult() => Suspension.End(null);

    /// <summary>Ends the coroutine with an exception.</summary>
    public readonly void SetException(Exception exception) => Suspension.End(exception);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter);
}

/// <summary>Builds <see cref="Coroutine{T}"/>s for <c>async Coroutine&lt;T&gt;</c> methods. Used by the compiler.</summary>
[SuppressMessage("Performance", "CA1822", Justification = "The compiler calls the builder's members on an instance.")]
public struct CoroutineMethodBuilder<T>
{
    /// <summary>The coroutine the method returns.</summary>
    public readonly Coroutine<T> Task => (Coroutine<T>)Suspension.TakeMade();

    /// <summary>Creates a builder.</summary>
    public static CoroutineMethodBuilder<T> Create() => default;

    /// <summary>Boxes the state machine without running it (coroutines start cold).</summary>
    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Made(new StateMachineBox<TStateMachine, T> { StateMachine = stateMachine });

    /// <summary>Not used: the box is made in <see cref="Start{TStateMachine}"/>.</summary>
    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    /// <summary>Ends the coroutine with its result.</summary>
    public readonly void SetResult(T result) => Suspension.Return(result);

    /// <summary>Ends the coroutine with an exception.</summary>
    public readonly void SetException(Exception exception) => Suspension.End(exception);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter);

    /// <summary>Suspends the coroutine on an awaiter.</summary>
    public readonly void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter);
}
