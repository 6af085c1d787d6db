namespace Coop;

/// <summary>What <see cref="Coroutine.Return(object?)"/> yields: it ends a generator coroutine with a
/// value, as <c>return value</c> ends a Python generator (delivered in <c>StopIteration.value</c>).</summary>
public sealed class ReturnValue
{
    internal ReturnValue(object? value) => Value = value;

    /// <summary>The value the coroutine returns.</summary>
    public object? Value { get; }

    /// <inheritdoc />
    public override string ToString() => $"Return({Value})";
}
