// The talk's functions once more, written with async/await on Coop's event loop (tutorial part 2):
// a cooperative primality test, printing the matches, and the repetitive message on a real timer
// (the Lucas sequence is TalkFunctions.Lucas, an ordinary iterator). The talk's generator versions are in TalkFunctions; here `yield from`
// becomes `await`, `yield` becomes `await Coroutine.Yield()`, and the busy-wait sleep becomes
// `await Coroutine.Sleep`, which parks the task on a timer and costs no CPU while it waits.
using System.Numerics;

namespace Coop.Talk;

/// <summary>The talk's coroutines as async/await coroutines (<c>coop demo async</c>).</summary>
public static class TalkAsyncFunctions
{
    /// <summary>True if <paramref name="x"/> is prime, by trial division, handing control back to
    /// the loop after every division so that other tasks keep running (the talk's
    /// <c>async_is_prime</c>).</summary>
    public static async Coroutine<bool> IsPrime(BigInteger x)
    {
        if (x < 2)
        {
            return false;
        }

        for (BigInteger i = 2; i * i <= x; i++)
        {
            if (x % i == 0)
            {
                return false;
            }

            await Coroutine.Yield();
        }

        return true;
    }

    /// <summary>Prints "Found: {item}" for every item of <paramref name="items"/> that
    /// <paramref name="predicate"/> accepts, awaiting the predicate (the talk's
    /// <c>async_print_matches</c>: <c>matches = yield from async_predicate(item)</c>).
    /// Endless if <paramref name="items"/> is.</summary>
    public static Coroutine PrintMatches<T>(TextWriter output, IEnumerable<T> items, Func<T, Coroutine<bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(predicate);
        return Run(output, items, predicate);

        static async Coroutine Run(TextWriter output, IEnumerable<T> items, Func<T, Coroutine<bool>> predicate)
        {
            foreach (var item in items)
            {
                if (await predicate(item))
                {
                    output.WriteLine($"Found: {item}");
                }
            }
        }
    }

    /// <summary>Prints <paramref name="message"/> every <paramref name="intervalSeconds"/> seconds,
    /// forever (the talk's <c>async_repetitive_message</c>), waiting on a timer: no CPU between
    /// two messages.</summary>
    public static Coroutine RepetitiveMessage(TextWriter output, string message, double intervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        if (double.IsNaN(intervalSeconds))
        {
            throw new ArgumentException("The interval is NaN: give a number of seconds.", nameof(intervalSeconds));
        }

        return Run(output, message, intervalSeconds);

        static async Coroutine Run(TextWriter output, string message, double intervalSeconds)
        {
            while (true)
            {
                output.WriteLine(message);
                await Coroutine.Sleep(intervalSeconds);
            }
        }
    }
}
