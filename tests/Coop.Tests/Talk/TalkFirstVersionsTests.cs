using System.Numerics;
using Coop.Tests.Support;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

/// <summary>The talk writes some functions twice: a first version, then one refactored onto
/// async_sleep (In[42]). The library ships the refactored ones; docs/tutorial.md shows the first
/// versions too, and this file holds them exactly as shown there and checks that they behave like
/// the shipped ones.</summary>
public class TalkFirstVersionsTests
{
    // In[36], as in docs/tutorial.md (with a clock to read, for the test).
    private static IEnumerable<object?> FirstAsyncRepetitiveMessage(TextWriter output, string message, double intervalSeconds, TimeProvider clock)
    {
        while (true)
        {
            output.WriteLine(message);
            var start = clock.GetTimestamp();
            while (true)
            {
                yield return null; // always yield at least once if we cannot complete at once
                if (clock.GetElapsedTime(start).TotalSeconds >= intervalSeconds)
                {
                    break;
                }
            }
        }
    }

    // In[40], as in docs/tutorial.md.
    private static IEnumerable<object?> FirstAsyncIsPrime(BigInteger x)
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

            yield return null;
        }

        yield return Coroutine.Return(true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(91)]
    [InlineData(97)]
    [InlineData(7919)]
    public void FirstAsyncIsPrime_SameAnswerAndSameStepsAsTheShippedOne(int x)
    {
        Assert.Equal(Trace(AsyncIsPrime(x)), Trace(FirstAsyncIsPrime(x)));
    }

    [Fact]
    public void FirstAsyncRepetitiveMessage_PrintsAtTheSameMomentsAsTheShippedOne()
    {
        var shipped = PrintTimes((output, clock) => AsyncRepetitiveMessage(output, "m", 2.5, clock));
        Assert.Equal([0, 2.5, 5, 7.5], shipped);
        Assert.Equal(shipped, PrintTimes((output, clock) => FirstAsyncRepetitiveMessage(output, "m", 2.5, clock)));
    }

    private static string Trace(IEnumerable<object?> routine)
    {
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(routine);
        Bounded.Run(scheduler.RunToCompletion);
        return trace.ToString().Replace($"task {id}.", "task N.", StringComparison.Ordinal);
    }

    /// <summary>Runs the message beside a task that moves the clock 0.5 s per step, for 10 s.</summary>
    private static List<double> PrintTimes(Func<TextWriter, TimeProvider, IEnumerable<object?>> message)
    {
        var clock = new HandSetClock(1000);
        var times = new List<double>();
        using var scheduler = new Scheduler(TextWriter.Null);
        var id = scheduler.Add(message(new LineWatcher(() => times.Add(clock.Seconds)), clock));
        var task = scheduler.Loop.AllTasks().Single(t => t.Id == id);
        scheduler.Add(MoveClock(clock, task));
        Bounded.Run(scheduler.RunToCompletion);
        return times;
    }

    private static IEnumerable<object?> MoveClock(HandSetClock clock, CoopTask stopAtTheEnd)
    {
        for (clock.Seconds = 0.5; clock.Seconds < 10; clock.Seconds += 0.5)
        {
            yield return null;
        }

        stopAtTheEnd.Cancel();
    }

    private sealed class LineWatcher(Action onLine) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => onLine();
    }
}
