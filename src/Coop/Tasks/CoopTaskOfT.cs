namespace Coop;

/// <summary>A task whose coroutine returns a <typeparamref name="T"/>.</summary>
public sealed class CoopTask<T> : CoopTask
{
    private CoopTask(EventLoop loop, string? name)
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
            return ((Coroutine<T>)Root!).GetResult();
        }
    }

    /// <summary>Lets an async coroutine <c>await</c> the task and get its result.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    internal static CoopTask<T> ForCoroutineOf(EventLoop loop, Coroutine<T> root, string? name, CancellationToken token)
    {
        var task = new CoopTask<T>(loop, name);
        task.Attach(root, token);
        return task;
    }
}
