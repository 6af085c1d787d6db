// Primality by trial division, blocking and cooperative (the talk's In[27] and In[40]/In[42]).
// The blocking one is the talk's lesson: called from a coroutine, a long computation stalls every
// other task, because nothing else runs until it returns. The cooperative one yields between trial
// divisions, so the others keep running.
using System.Numerics;

namespace Coop.Talk;

public static partial class TalkFunctions
{
    /// <summary>True if <paramref name="x"/> is prime, by trying every divisor from 2 to √x (the talk's
    /// <c>is_prime</c>, In[27]: simple but inefficient). It blocks until it knows: about √x steps, so
    /// a few milliseconds for 2³¹−1 and weeks for 2⁶¹−1.</summary>
    public static bool IsPrime(BigInteger x)
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
        }

        return true;
    }

    /// <summary><see cref="IsPrime(BigInteger)"/> that gives up when <paramref name="cancellationToken"/>
    /// is canceled. A blocking function cannot be interrupted by the event loop (nothing else runs on
    /// the loop's thread until it returns), only from another thread: the <c>blocking</c> demo uses
    /// this to end on time while the loop is stalled.</summary>
    /// <exception cref="OperationCanceledException">The token was canceled before the answer was known.</exception>
    public static bool IsPrime(BigInteger x, CancellationToken cancellationToken)
    {
        if (x < 2)
        {
            return false;
        }

        for (BigInteger i = 2; i * i <= x; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (x % i == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The cooperative <see cref="IsPrime(BigInteger)"/> (the talk's <c>async_is_prime</c>,
    /// final version, In[42]): a generator coroutine that yields after each trial division, through
    /// <c>yield from</c> <see cref="AsyncSleep"/>(0), and returns true or false with
    /// <see cref="Coroutine.Return(object?)"/>. Read its answer with <c>Coroutine.Call&lt;bool&gt;</c>.</summary>
    /// <remarks>The talk's first version (In[40]) yields with a bare <c>yield</c>; the refactoring
    /// replaces it with <c>yield from async_sleep(0)</c>, which yields exactly once too.</remarks>
    public static IEnumerable<object?> AsyncIsPrime(BigInteger x)
    {
        if (x < 2)
        {
            yield return Coroutine.Return(false);
            yield break;
        }

        for (BigInteger i = 2; i * i <= x; i++)
        {
            if (x % i == 0)
            {
                yield return Coroutine.Return(false);
                yield break;
            }

            yield return AsyncSleep(0);
        }

        yield return Coroutine.Return(true);
    }
}
