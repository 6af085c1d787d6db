// The talk's async_sleep (In[42]): waiting by checking the clock after every yield. It is a busy
// wait: the task is stepped over and over until the time is up, so the loop never idles and a
// core stays at 100%. That is where the talk ends; Coop's event loop replaces it with a real timer,
// Coroutine.Sleep, which parks the task and uses no CPU until the deadline (docs/tutorial.md).
namespace Coop.Talk;

public static partial class TalkFunctions
{
    /// <summary>Yields until <paramref name="intervalSeconds"/> have passed, checking the clock after
    /// each yield (the talk's <c>async_sleep</c>, In[42]). It always yields at least once, and
    /// <c>AsyncSleep(0)</c> yields exactly once. Use it with <c>yield from</c>:
    /// <c>yield return AsyncSleep(2.5);</c></summary>
    /// <remarks>A busy wait, kept because it is the talk's: the task is stepped again and again until
    /// the time is up, and the CPU never rests. For real code use <see cref="Coroutine.Sleep(double)"/>,
    /// a timer that parks the task and costs nothing while it waits.</remarks>
    /// <param name="intervalSeconds">How long to wait; zero or less yields exactly once.</param>
    /// <param name="clock">The clock to read; the system clock if null.</param>
    public static IEnumerable<object?> AsyncSleep(double intervalSeconds, TimeProvider? clock = null)
    {
        if (double.IsNaN(intervalSeconds))
        {
            throw new ArgumentException("The interval is NaN: give a number of seconds.", nameof(intervalSeconds));
        }

        return Run(intervalSeconds, clock ?? TimeProvider.System);

        static IEnumerable<object?> Run(double intervalSeconds, TimeProvider clock)
        {
            var start = clock.GetTimestamp();
            while (true)
            {
                yield return null;
                if (clock.GetElapsedTime(start).TotalSeconds >= intervalSeconds)
                {
                    yield break;
                }
            }
        }
    }
}
