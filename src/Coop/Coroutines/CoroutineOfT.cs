using System.Runtime.CompilerServices;
using Coop.CompilerServices;

namespace Coop;

/// <summary>A coroutine that returns a <typeparamref name="T"/>: the result of calling an
/// <c>async Coroutine&lt;T&gt;</c> method. See <see cref="Coroutine"/>.</summary>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder<>))]
public abstract class Coroutine<T> : Coroutine
{
    private T _result = default!;

    private protected Coroutine()
    {
    }

    /// <summary>Lets an async coroutine <c>await</c> this one and get its result.</summary>
    public new CoroutineAwaiter<T> GetAwaiter() => new(base.GetAwaiter());

    internal T GetResult()
    {
        ThrowIfFailed();
        return _result;
    }

    /// <summary>The operation ended with <paramref name="result"/> inside its awaiter's IsCompleted.</summary>
    private protected void ReturnOnAwait(T result)
    {
        _result = result;
        EndOnAwait(null);
    }

    internal void SetResult(T result, CoopTask task)
    {
        _result = result;
        End(null, task);
    }
}
