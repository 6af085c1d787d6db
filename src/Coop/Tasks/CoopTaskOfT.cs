namespace Coop;

/// <summary>A task whose coroutine returns a <typeparamref name="T"/>.</summary>
public abstract class CoopTask<T> : CoopTask
{
    private T _result = default!;

    private protected CoopTask(EventLoop loop, string? name)
        : base(loop, name)
    {
    }

    /// <summary>The coroutine's result; throws its exception if it failed, <see cref="CanceledException"/>
    /// if it was canceled, <see cref="InvalidOperationException"/> while it runs.</summary>
    public T Result
    {
        get
        {
            ThrowIfNotSucceeded();
            return _result;
        }
    }

    /// <summary>Lets an async coroutine <c>await</c> the task and get its result.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    private protected override object? BoxedResult => _result;

    /// <summary>The root coroutine returned: the result stays unboxed here.</summary>
    internal void SetRootResult(T result)
    {
        _result = result;
        FinishRoot(null);
    }
}
