namespace Coop;

/// <summary>A <see cref="Future"/> whose result has type <typeparamref name="T"/>.</summary>
public sealed class Future<T> : Future
{
    internal Future(EventLoop loop)
        : base(loop)
    {
    }

    /// <summary>The result; throws the future's exception if it failed or was cancelled, and
    /// <see cref="InvalidOperationException"/> while it is pending.</summary>
    public T Result => (T)ResultObject!;

    /// <summary>Completes the future with a result; throws if it is already done.</summary>
    public void SetResult(T result) => SetResultObject(result);

    /// <summary>Completes the future with a result unless it is already done.</summary>
    public bool TrySetResult(T result) => TrySetResultObject(result);

    /// <summary>Returns an awaiter so that async coroutines can <c>await</c> the future.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    internal override string Describe() => $"Future<{typeof(T).Name}>";
}
