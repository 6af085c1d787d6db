// The talk's printing coroutines: print the matches of a predicate (In[32], then In[41]/In[42] with
// an async predicate called through `yield from`), and print a message at intervals (In[36],
// refactored onto async_sleep in In[42]). They write to a TextWriter rather than the console so
// demos and tests can capture what they print.

namespace Coop.Talk;

public static partial class TalkFunctions
{
    /// <summary>Prints "Found: {item}" for every item of <paramref name="items"/> that satisfies
    /// <paramref name="predicate"/>, yielding once after each item (the talk's first
    /// <c>async_print_matches</c>, In[32]). Endless if <paramref name="items"/> is.</summary>
    /// <remarks>The predicate is an ordinary function: it runs to its end inside one step. With
    /// <see cref="IsPrime(System.Numerics.BigInteger)"/> on large numbers that step takes seconds, and
    /// every other task waits: the talk's blocking lesson. The talk prints matches on one line
    /// (<c>end=", "</c>); this prints one per line.</remarks>
    public static IEnumerable<object?> AsyncPrintMatches<T>(TextWriter output, IEnumerable<T> items, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(predicate);
        return Run(output, items, predicate);

        static IEnumerable<object?> Run(TextWriter output, IEnumerable<T> items, Func<T, bool> predicate)
        {
            foreach (var item in items)
            {
                if (predicate(item))
                {
                    output.WriteLine($"Found: {item}");
                }

                yield return null;
            }
        }
    }

    /// <summary>Prints "Found: {item}" for every item of <paramref name="items"/> that satisfies
    /// <paramref name="asyncPredicate"/>, a generator coroutine returning a <see cref="bool"/>, run with
    /// <c>yield from</c> (the talk's final <c>async_print_matches</c>, In[41]/In[42]:
    /// <c>matches = yield from async_predicate(item)</c>). Endless if <paramref name="items"/> is.</summary>
    /// <remarks>It needs no yield of its own: the predicate yields while it works, so other tasks run
    /// between its steps (with <see cref="AsyncIsPrime"/>, between trial divisions).</remarks>
    public static IEnumerable<object?> AsyncPrintMatches<T>(TextWriter output, IEnumerable<T> items, Func<T, IEnumerable<object?>> asyncPredicate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(asyncPredicate);
        return Run(output, items, asyncPredicate);

        static IEnumerable<object?> Run(TextWriter output, IEnumerable<T> items, Func<T, IEnumerable<object?>> asyncPredicate)
        {
            foreach (var item in items)
            {
                var matches = Coroutine.Call<bool>(asyncPredicate(item));
                yield return matches;
                if (matches.Result)
                {
                    output.WriteLine($"Found: {item}");
                }
            }
        }
    }

    /// <summary>Prints <paramref name="message"/>, then waits <paramref name="intervalSeconds"/> with
    /// <c>yield from</c> <see cref="AsyncSleep"/>, forever (the talk's <c>async_repetitive_message</c>:
    /// In[36], refactored in In[42]). The wait is a busy wait: see <see cref="AsyncSleep"/>.</summary>
    /// <remarks>It keeps its rhythm only if every other task yields often: a task that blocks for
    /// seconds (the first <see cref="AsyncPrintMatches{T}(TextWriter, IEnumerable{T}, Func{T, bool})"/>
    /// with <see cref="IsPrime(System.Numerics.BigInteger)"/>) delays the next message by as much.</remarks>
    /// <param name="output">Where to print.</param>
    /// <param name="message">The line to print.</param>
    /// <param name="intervalSeconds">The time between two messages, in seconds.</param>
    /// <param name="clock">The clock <see cref="AsyncSleep"/> reads; the system clock if null.</param>
    public static IEnumerable<object?> AsyncRepetitiveMessage(TextWriter output, string message, double intervalSeconds, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        if (double.IsNaN(intervalSeconds))
        {
            throw new ArgumentException("The interval is NaN: give a number of seconds.", nameof(intervalSeconds));
        }

        return Run(output, message, intervalSeconds, clock);

        static IEnumerable<object?> Run(TextWriter output, string message, double intervalSeconds, TimeProvider? clock)
        {
            while (true)
            {
                output.WriteLine(message);
                yield return AsyncSleep(intervalSeconds, clock);
            }
        }
    }
}
