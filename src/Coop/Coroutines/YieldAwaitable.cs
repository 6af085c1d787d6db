// `await Coroutine.Yield()`: the async form of the talk's bare `yield`. Coop's builder does not call
// OnCompleted: it puts the task at the back of the ready queue directly (CoroutineMethodBuilder.cs).
// Code that is not a Coop coroutine gets a CallSoon instead.
using System.Runtime.CompilerServices;
using Coop.CompilerServices;

namespace Coop;

/// <summary>What <see cref="Coroutine.Yield"/> returns: <c>await</c> it to hand control back to the loop.</summary>
public readonly struct YieldAwaitable
{
    /// <summary>Returns the awaiter.</summary>
    public YieldAwaiter GetAwaiter() => default;
}

/// <summary>Suspends the task to the back of the ready queue. Used by the compiler.</summary>
public readonly struct YieldAwaiter : ICriticalNotifyCompletion, IKernelAwaiter
{
    /// <summary>Always false: a yield always suspends.</summary>
    public bool IsCompleted => false;

    /// <summary>Raises the task's pending cancellation, if any.</summary>
    public void GetResult() => CoopTask.Current?.ThrowIfCancelRequested();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        EventLoop.Current.CallSoon(continuation); // code that is not a Coop coroutine: resume it next pass
    }
}
