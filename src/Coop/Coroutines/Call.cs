// Coroutine.Call<T>(inner): the talk's `x = yield from inner` for C# iterators, which cannot receive a
// value at a yield. The task pushes the inner generator as a frame and delivers its return value here
// (CoopTask.Generator.cs, PopFrame); the caller reads Result after `yield return call;`.
namespace Coop;

/// <summary>A <c>yield from</c> whose result the caller reads: <c>var call = Coroutine.Call&lt;int&gt;(inner);
/// yield return call; use(call.Result);</c>. Create it with <see cref="Coroutine.Call{T}"/>.</summary>
public abstract class Call
{
    private readonly IEnumerable<object?> _routine;
    private bool _started;

    private protected Call(IEnumerable<object?> routine)
    {
        ArgumentNullException.ThrowIfNull(routine);
        _routine = routine;
    }

    /// <summary>True once the inner coroutine has returned.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>What the inner coroutine returned; null if it ended without Coroutine.Return.</summary>
    private protected ReturnValue? Returned { get; private set; }

    private protected object? Value => Returned?.Value;

    internal IEnumerator<object?> Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("This Call was already yielded: make a new Coroutine.Call for each yield from.");
        }

        _started = true;
        return GeneratorTask.Enumerate(_routine); // a generator object starts once (GeneratorTask.cs)
    }

    internal void Deliver(ReturnValue? returned)
    {
        Returned = returned;
        IsCompleted = true;
    }

    private protected void ThrowIfNotCompleted()
    {
        if (!IsCompleted)
        {
            throw new InvalidOperationException(
                _started
                    ? "The inner coroutine has not returned yet: read Result after `yield return call;`."
                    : "This Call has not run yet: `yield return call;` first, then read Result.");
        }
    }
}

/// <summary>A <see cref="Call"/> whose inner coroutine returns a <typeparamref name="T"/>.</summary>
public sealed class Call<T> : Call
{
    internal Call(IEnumerable<object?> routine)
        : base(routine)
    {
    }

    /// <summary>What the inner coroutine returned. Throws if it has not returned yet, or if it
    /// returned something that is not a <typeparamref name="T"/>.</summary>
    public T Result
    {
        get
        {
            ThrowIfNotCompleted();
            if (Returned is ReturnValue<T> typed)
            {
                return typed.Typed; // returned with its own type: no box
            }

            return Value switch
            {
                T value => value,
                null when default(T) is null => default!,
                _ => throw new InvalidCastException(
                    $"The inner coroutine returned {(Value == null ? "null" : "a " + Value.GetType().FullName)}, " +
                    $"not a {typeof(T).FullName}: use Coroutine.Call<{Value?.GetType().Name ?? "object?"}>."),
            };
        }
    }
}
