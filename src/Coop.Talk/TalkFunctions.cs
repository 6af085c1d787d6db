// The talk's functions ("asyncio from the ground up", ../shared/seed), in C#, shipped as documented
// samples: the Lucas sequence, linear search, primality, and the cooperative versions of each that the
// talk builds before it introduces the event loop. The class is split by concept, one file each:
// TalkFunctions.Lucas.cs, .Search.cs, .Primes.cs, .Messages.cs, .Sleep.cs. The demos in
// src/Coop.Cli/Demos and docs/tutorial.md use them; the Scheduler (Scheduler.cs) runs them.
//
// Generator coroutines here follow the talk line by line: Python's bare `yield` is `yield return null`,
// `return x` is `yield return Coroutine.Return(x); yield break;` and `yield from g` is
// `yield return g` (or `yield return call` with `var call = Coroutine.Call<T>(g)` to read what g
// returned). The `yield break` after Return ends the iterator itself when someone steps it by hand;
// a task stops at the Return already.
namespace Coop.Talk;

/// <summary>
/// The functions of the asyncio talk that Coop starts from, in C#: plain functions (<see cref="Lucas"/>,
/// <see cref="Search{T}"/>, <see cref="IsPrime(System.Numerics.BigInteger)"/>) and their cooperative,
/// generator-coroutine versions (<see cref="AsyncSearch{T}"/>, <see cref="AsyncIsPrime"/>,
/// <see cref="AsyncPrintMatches{T}(TextWriter, IEnumerable{T}, Func{T, bool})"/>,
/// <see cref="AsyncRepetitiveMessage"/>, <see cref="AsyncSleep"/>). Run the generators with a
/// <see cref="Scheduler"/> or an <see cref="EventLoop"/>. Each member says which notebook cell it follows.
/// </summary>
/// <remarks>Write <c>using static Coop.TalkFunctions;</c> to call them by their short names, as the talk does.
/// They are teaching samples: simple on purpose, and slow where the talk is slow.</remarks>
public static partial class TalkFunctions
{
}
