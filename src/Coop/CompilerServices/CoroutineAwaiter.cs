// Awaiting a coroutine. Coop's builder does not call OnCompleted: it makes the callee its task's
// innermost frame directly (CoroutineMethodBuilder.cs, Coroutine.RunAsCallee). OnCompleted is for
// ordinary async code awaiting a coroutine, which runs it at once (Coroutine.RunForForeignCaller).
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

/// <summary>Awaits a <see cref="Coroutine"/>: starts it inside the awaiting task and, if it suspends,
/// resumes the awaiter when it ends. Used by the compiler; not called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CoroutineAwaiter : ICriticalNotifyCompletion, IKernelAwaiter
{
    private readonly Coroutine _coroutine;

    internal CoroutineAwaiter(Coroutine coroutine) => _coroutine = coroutine;

    /// <summary>True if the coroutine has already ended. A coroutine that has not started is not
    /// complete: the await suspends, and Coop's builder starts it inside the awaiting task. A socket
    /// operation is the exception: it makes its system call here, and is complete if that succeeded.</summary>
    public bool IsCompleted => _coroutine.IsDoneOnAwait;

    /// <summary>Rethrows the coroutine's exception, if it failed.</summary>
    public void GetResult() => _coroutine.ThrowIfFailed();

    internal Coroutine Coroutine => _coroutine;

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        _coroutine.RunForForeignCaller(continuation);
    }
}

/// <summary>Awaits a <see cref="Coroutine{T}"/> and returns its result. Used by the compiler.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CoroutineAwaiter<T> : ICriticalNotifyCompletion, IKernelAwaiter
{
    private readonly CoroutineAwaiter _inner;

    internal CoroutineAwaiter(CoroutineAwaiter inner) => _inner = inner;

    /// <summary>True if the coroutine has already ended (see <see cref="CoroutineAwaiter.IsCompleted"/>).</summary>
    public bool IsCompleted => _inner.IsCompleted;

    /// <summary>The coroutine's result; rethrows its exception if it failed.</summary>
    public T GetResult() => ((Coroutine<T>)_inner.Coroutine).GetResult();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _inner.UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _inner.UnsafeOnCompleted(continuation);
}
