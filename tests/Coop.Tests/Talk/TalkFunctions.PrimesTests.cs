using System.Numerics;
using Coop.Tests.Support;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

public class TalkFunctionsPrimesTests
{
    [Theory]
    [InlineData(2, true)] // In[28]
    [InlineData(12, false)] // In[29]
    [InlineData(2147483647L, true)] // In[30]: 2**31 - 1
    [InlineData(-7, false)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    [InlineData(25, false)]
    [InlineData(97, true)]
    [InlineData(2147483649L, false)] // 3 * 715827883
    public void IsPrime_Number_MatchesTheNotebook(long x, bool expected)
    {
        Assert.Equal(expected, IsPrime(x));
        Assert.Equal(expected, IsPrime(x, CancellationToken.None));
        Assert.Equal(expected, RunAsyncIsPrime(x));
    }

    [Fact]
    public void IsPrime_AgreesWithASieveUpTo2000()
    {
        var composite = new bool[2001];
        for (var i = 2; i * i <= 2000; i++)
        {
            for (var j = i * i; j <= 2000; j += i)
            {
                composite[j] = true;
            }
        }

        for (var n = 0; n <= 2000; n++)
        {
            Assert.Equal(n >= 2 && !composite[n], IsPrime(n));
        }
    }

    [Fact]
    public void IsPrime_CanceledToken_ThrowsOperationCanceled()
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        Assert.Throws<OperationCanceledException>(() => IsPrime(BigInteger.Pow(2, 61) - 1, canceled.Token));
    }

    [Fact]
    public void IsPrime_TokenCanceledByAnotherThreadMidway_ThrowsOperationCanceled()
    {
        // 2^61 - 1 takes weeks: only the token can end this call, as in the blocking demo.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
        Bounded.Run(() => Assert.Throws<OperationCanceledException>(() => IsPrime(BigInteger.Pow(2, 61) - 1, deadline.Token)));
    }

    [Fact]
    public void AsyncIsPrime_SteppedByHand_YieldsOnceForEachDivisorTried()
    {
        // 97: divisors 2..9 are tried and fail, each followed by `yield from AsyncSleep(0)`.
        using var g = AsyncIsPrime(97).GetEnumerator();
        var sleeps = 0;
        while (g.MoveNext() && g.Current is not ReturnValue)
        {
            Assert.IsAssignableFrom<IEnumerable<object?>>(g.Current);
            sleeps++;
        }

        Assert.Equal(8, sleeps);
        Assert.Equal(true, Assert.IsAssignableFrom<ReturnValue>(g.Current).Value);
    }

    [Fact]
    public void AsyncIsPrime_BelowTwo_ReturnsFalseWithoutYielding()
    {
        using var g = AsyncIsPrime(1).GetEnumerator();
        Assert.True(g.MoveNext());
        Assert.Equal(false, Assert.IsAssignableFrom<ReturnValue>(g.Current).Value);
    }

    [Fact]
    public void AsyncIsPrime_OnTheScheduler_YieldsOncePerTrialDivision()
    {
        var trace = new StringWriter();
        using var scheduler = new Scheduler(trace);
        var id = scheduler.Add(AsyncIsPrime(97));
        Bounded.Run(scheduler.RunToCompletion);
        Assert.Equal(true, scheduler.CompletedTaskResults[id]);
        var lines = trace.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Count(l => l.EndsWith("Now yielded", StringComparison.Ordinal)));
        Assert.Equal($"Running task {id}...Completed with result: True", lines[^1]);
    }

    private static bool RunAsyncIsPrime(BigInteger x)
    {
        using var loop = new EventLoop();
        return (bool)Bounded.Run(() => loop.RunUntilComplete(AsyncIsPrime(x)))!;
    }
}
