using System.Numerics;
using Coop.Tests.Support;

namespace Coop.Tests.Talk;

public class TalkAsyncFunctionsTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(12, false)]
    [InlineData(97, true)]
    [InlineData(2147483647, true)]
    public void IsPrime_KnownNumbers_RightAnswer(long x, bool expected)
    {
        Assert.Equal(expected, Bounded.Run(() => EventLoop.Run(TalkAsyncFunctions.IsPrime(x))));
    }

    [Fact]
    public void IsPrime_LargePrime_YieldsSoOtherTasksRun()
    {
        async Coroutine<int> Main()
        {
            var ticks = 0;
            var ticker = EventLoop.Current.CreateTask(Tick());
            Assert.True(await TalkAsyncFunctions.IsPrime(10007));
            ticker.Cancel();
            return ticks;

            async Coroutine Tick()
            {
                while (true)
                {
                    ticks++;
                    await Coroutine.Yield();
                }
            }
        }

        // 10007 needs 99 trial divisions, each followed by a yield: the ticker runs between them.
        Assert.True(Bounded.Run(() => EventLoop.Run(Main())) >= 90);
    }

    [Fact]
    public void PrintMatches_FiniteItems_PrintsEachMatch()
    {
        var output = new StringWriter();
        Bounded.Run(() => EventLoop.Run(TalkAsyncFunctions.PrintMatches(output, TalkFunctions.Lucas().Take(10), TalkAsyncFunctions.IsPrime)));
        Assert.Equal(["Found: 2", "Found: 3", "Found: 7", "Found: 11", "Found: 29", "Found: 47"],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void RepetitiveMessage_BadArguments_ClearErrors()
    {
        Assert.Throws<ArgumentNullException>(() => TalkAsyncFunctions.RepetitiveMessage(null!, "m", 1));
        Assert.Throws<ArgumentNullException>(() => TalkAsyncFunctions.RepetitiveMessage(TextWriter.Null, null!, 1));
        Assert.Throws<ArgumentException>(() => TalkAsyncFunctions.RepetitiveMessage(TextWriter.Null, "m", double.NaN));
        Assert.Throws<ArgumentNullException>(() => TalkAsyncFunctions.PrintMatches<int>(TextWriter.Null, null!, _ => null!));
    }

    [Fact]
    public void RepetitiveMessage_OnManualClock_PrintsOncePerInterval()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var task = loop.CreateTask(TalkAsyncFunctions.RepetitiveMessage(output, "m", 2.5));
        for (var i = 0; i < 4; i++)
        {
            Iterations.RunUntilIdle(loop);
            clock.Advance(1.25);
        }

        Iterations.RunUntilIdle(loop);
        Assert.Equal(3, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // at 0, 2.5, 5
        task.Cancel();
    }
}
