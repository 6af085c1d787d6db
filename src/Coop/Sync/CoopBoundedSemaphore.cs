// asyncio.BoundedSemaphore: a semaphore that refuses to be released above its initial count, which
// catches the bug of releasing twice. The logic lives in CoopSemaphore.cs (the bound is its field).
namespace Coop;

/// <summary>A <see cref="CoopSemaphore"/> whose <see cref="CoopSemaphore.Release"/> throws when
/// every permit is already free (asyncio's <c>BoundedSemaphore</c>).</summary>
public sealed class CoopBoundedSemaphore : CoopSemaphore
{
    /// <summary>Creates a bounded semaphore with <paramref name="initialCount"/> permits, which is
    /// also the most it can ever hold.</summary>
    public CoopBoundedSemaphore(int initialCount = 1)
        : base(initialCount, bounded: true)
    {
    }
}
