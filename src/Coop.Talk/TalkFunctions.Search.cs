// Linear search, plain and cooperative (the talk's In[4] and In[6]). The plain one runs to its end
// in one call; the cooperative one is a generator that hands control back after every item it
// rejects, so a scheduler can run other work between them.
namespace Coop.Talk;

public static partial class TalkFunctions
{
    /// <summary>Returns the first item of <paramref name="items"/> that satisfies
    /// <paramref name="predicate"/> (the talk's <c>search</c>, In[4]). A regular function: it returns
    /// the result or throws, and nothing else runs meanwhile.</summary>
    /// <exception cref="InvalidOperationException">No item matched; the message is "Not Found"
    /// (Python's <c>ValueError("Not Found")</c>; .NET's <c>First</c> throws the same type for the same case).</exception>
    public static T Search<T>(IEnumerable<T> items, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(predicate);
        foreach (var item in items)
        {
            if (predicate(item))
            {
                return item;
            }
        }

        throw new InvalidOperationException("Not Found");
    }

    /// <summary>The cooperative <see cref="Search{T}"/> (the talk's <c>async_search</c>, In[6]): a
    /// generator coroutine that yields once after each item it rejects and returns the first match
    /// with <see cref="Coroutine.Return(object?)"/>.</summary>
    /// <remarks>Calling it runs nothing; the search progresses each time the generator is stepped
    /// (by hand with <c>MoveNext</c>, or by a <see cref="Scheduler"/>). Stepped by hand, the step that
    /// finds the match leaves a <see cref="ReturnValue"/> in <c>Current</c>: Python's
    /// <c>StopIteration</c> payload. If nothing matches, the step that runs out of items throws
    /// <see cref="InvalidOperationException"/>("Not Found"). This is the In[6] version, with a bare
    /// yield; the talk's final In[42] writes <c>yield from async_sleep(0)</c>, which yields exactly
    /// once too, so a scheduler sees the same steps.</remarks>
    public static IEnumerable<object?> AsyncSearch<T>(IEnumerable<T> items, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(predicate);
        return Run(items, predicate);

        static IEnumerable<object?> Run(IEnumerable<T> items, Func<T, bool> predicate)
        {
            foreach (var item in items)
            {
                if (predicate(item))
                {
                    yield return Coroutine.Return(item);
                    yield break;
                }

                yield return null;
            }

            throw new InvalidOperationException("Not Found");
        }
    }
}
