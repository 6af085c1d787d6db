// The Lucas sequence (the talk's In[1]): the endless generator every other sample searches.
using System.Numerics;

namespace Coop.Talk;

public static partial class TalkFunctions
{
    /// <summary>The Lucas numbers 2, 1, 3, 4, 7, 11, 18, ... without end: each is the sum of the two
    /// before it, as in Fibonacci, starting from 2 and 1 (the talk's <c>lucas()</c>, In[1]).</summary>
    /// <remarks>Endless: take what you need, e.g. <c>Lucas().Take(10)</c>. The numbers are
    /// <see cref="BigInteger"/>s, since they pass <see cref="long.MaxValue"/> after 90 terms.</remarks>
    public static IEnumerable<BigInteger> Lucas()
    {
        yield return 2;
        BigInteger a = 2;
        BigInteger b = 1;
        while (true)
        {
            yield return b;
            (a, b) = (b, a + b);
        }
    }
}
