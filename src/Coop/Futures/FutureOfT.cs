using Coop.CompilerServices;

namespace Coop;

/// <summary>A <see cref="Future"/> whose result has type <typeparamref name="T"/>.</summary>
/// <remarks>The result is kept unboxed: completing a <c>Future&lt;int&gt;</c> and awaiting it allocate nothing.</remarks>
public class Future<T> : Future
{
    private T _value = default!;

    internal Future(EventLoop loop)
        : base(loop)
    {
    }

    /// <summary>The result; throws the future's exception if it failed or was canceled, and
    /// <see cref="InvalidOperationException"/> while it is pending.</summary>
    public new T Result
    {
        get
        {
            ThrowIfNotSucceeded();
            return _value;
        }
    }

    private protected override object? BoxedResult => _value;

    /// <summary>Completes the future with a result; throws if it is already done.</summary>
    public void SetResult(T result)
    {
        if (!TrySetResult(result))
        {
            throw AlreadyDone();
        }
    }

    /// <summary>Completes the future with a result unless it is already done.</summary>
    public bool TrySetResult(T result)
    {
        Loop.CheckThread();
        if (IsDone)
        {
            return false;
        }

        _value = result;
        return TryComplete(null, null);
    }

    /// <summary>Returns an awaiter so that async coroutines can <c>await</c> the future.</summary>
    public new FutureAwaiter<T> GetAwaiter() => new(this);

    internal override string Describe() => $"Future<{typeof(T).Name}>";

    private protected override bool TrySetResultCore(object? result) => result switch
    {
        T value => TrySetResult(value),
        null when default(T) is null => TrySetResult(default!),
        null => throw new InvalidOperationException(
            $"{Describe()} completes with a {typeof(T).Name}: call SetResult(value), not SetResult()."),
        _ => throw new ArgumentException(
            $"{Describe()} takes a {typeof(T).FullName}, not {(result == null ? "null" : "a " + result.GetType().FullName)}.",
            nameof(result)),
    };
}
