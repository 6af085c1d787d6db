// What `yield return Coroutine.Return(x)` yields: the end of a generator coroutine with a value, as
// `return x` ends a Python generator. The value keeps its type (ReturnValue<T>), so returning an int
// through a `yield from` chain boxes nothing: Call<int> reads it back typed (Coroutines/Call.cs).
namespace Coop;

/// <summary>What <see cref="Coroutine.Return{T}(T)"/> yields: it ends a generator coroutine with a
/// value, as <c>return value</c> ends a Python generator (delivered in <c>StopIteration.value</c>).</summary>
public abstract class ReturnValue
{
    private protected ReturnValue()
    {
    }

    /// <summary>The value the coroutine returns.</summary>
    public abstract object? Value { get; }

    /// <inheritdoc />
    public override string ToString() => $"Return({Value})";
}

/// <summary>A <see cref="ReturnValue"/> that keeps its value unboxed.</summary>
internal sealed class ReturnValue<T>(T value) : ReturnValue
{
    public T Typed => value;

    public override object? Value => value;
}
