// Awaiting a future or a task. Coop's builder does not call OnCompleted: it parks the task on the
// future directly (CoroutineMethodBuilder.cs). GetResult is an await point: it first asks the task
// for a cancellation due (CoopTask.ThrowIfCancelRequested), then returns the result or rethrows.
using System.Runtime.CompilerServices;
using Coop.CompilerServices;

namespace Coop;

/// <summary>Awaits a <see cref="Future"/> (or a task): parks the task until the future completes.
/// Used by the compiler.</summary>
public readonly struct FutureAwaiter : ICriticalNotifyCompletion, IKernelAwaiter
{
    private readonly Future _future;

    internal FutureAwaiter(Future future) => _future = future;

    /// <summary>True if the future is done: then the await continues without suspending (except
    /// for Sleep(0), done but a yield: Core/YieldFuture.cs).</summary>
    public bool IsCompleted => _future.IsDone && _future is not YieldFuture;

    internal Future Future => _future;

    /// <summary>Raises the task's pending cancellation, else the future's exception, if any.</summary>
    public void GetResult()
    {
        CoopTask.Current?.ThrowIfCancelRequested(_future);
        _future.ThrowIfNotSucceeded();
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Suspension.ParkOn(_future, continuation);
}

/// <summary>Awaits a <see cref="Future{T}"/> or <see cref="CoopTask{T}"/> and returns its result.
/// Used by the compiler.</summary>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion, IKernelAwaiter
{
    private readonly Future _future;

    internal FutureAwaiter(Future future) => _future = future;

    /// <summary>True if the future is done: then the await continues without suspending.</summary>
    public bool IsCompleted => _future.IsDone;

    /// <summary>The result; raises the task's pending cancellation, else the future's exception.</summary>
    public T GetResult()
    {
        CoopTask.Current?.ThrowIfCancelRequested(_future);
        return _future switch
        {
            Future<T> typed => typed.Result,
            CoopTask<T> task => task.Result,
            _ => (T)_future.ResultObject!,
        };
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Suspension.ParkOn(_future, continuation);
}
