// The heap home of an async coroutine's state machine. Coop's builders copy the compiler's state
// machine struct into a box when the method is called (a cold start: nothing runs yet), and the
// box is the Coroutine the method returns. One allocation per call; docs/benchmarks.md measures it.
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

internal sealed class StateMachineBox<TStateMachine> : Coroutine
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    internal override void MoveNext() => StateMachine.MoveNext();
}

internal sealed class StateMachineBox<TStateMachine, TResult> : Coroutine<TResult>
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine StateMachine = default!;

    internal override void MoveNext() => StateMachine.MoveNext();
}
