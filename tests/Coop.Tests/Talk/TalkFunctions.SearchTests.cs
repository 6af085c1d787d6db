using System.Numerics;
using Coop.Tests.Support;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

public class TalkFunctionsSearchTests
{
    [Fact]
    public void Search_FirstSixDigitLucas_Is103682()
    {
        // In[5]
        Assert.Equal(new BigInteger(103682), Search(Lucas(), x => x.ToString().Length >= 6));
    }

    [Fact]
    public void Search_NoMatch_ThrowsNotFound()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Search(new[] { 1, 2, 3 }, x => x > 3));
        Assert.Equal("Not Found", error.Message);
    }

    [Fact]
    public void Search_NullArguments_NameTheArgument()
    {
        Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => Search<int>(null!, _ => true)).ParamName);
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => Search(new[] { 1 }, null!)).ParamName);
    }

    [Fact]
    public void AsyncSearch_SteppedByHand_YieldsFiveTimesThenReturns11()
    {
        // In[7]-In[8]: next(g) twice, print "hello world", then next(g) until StopIteration: 11.
        var log = new List<string>();
        using var g = AsyncSearch(Lucas(), x => x >= 10).GetEnumerator();
        Assert.True(g.MoveNext());
        Assert.Null(g.Current);
        Assert.True(g.MoveNext());
        Assert.Null(g.Current);
        log.Add("hello world");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(g.MoveNext());
            Assert.Null(g.Current);
        }

        Assert.True(g.MoveNext());
        var returned = Assert.IsAssignableFrom<ReturnValue>(g.Current);
        Assert.Equal(new BigInteger(11), returned.Value);
        Assert.False(g.MoveNext()); // the yield break after Return: the iterator is over
        Assert.Equal(["hello world"], log);
    }

    [Fact]
    public void AsyncSearch_Called_RunsNothingUntilStepped()
    {
        var tested = 0;
        var search = AsyncSearch(Lucas(), x => { tested++; return false; });
        Assert.Equal(0, tested);
        using var g = search.GetEnumerator();
        g.MoveNext();
        Assert.Equal(1, tested);
    }

    [Fact]
    public void AsyncSearch_NoMatch_ThrowsNotFoundOnTheLastStep()
    {
        using var g = AsyncSearch(new[] { 1, 2 }, x => x > 2).GetEnumerator();
        Assert.True(g.MoveNext());
        Assert.True(g.MoveNext());
        var error = Assert.Throws<InvalidOperationException>(() => g.MoveNext());
        Assert.Equal("Not Found", error.Message);
    }

    [Fact]
    public void AsyncSearch_NullArguments_ThrowWhenCalled()
    {
        Assert.Equal("items", Assert.Throws<ArgumentNullException>(() => AsyncSearch<int>(null!, _ => true)).ParamName);
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => AsyncSearch(new[] { 1 }, null!)).ParamName);
    }

    [Fact]
    public void AsyncSearch_OnALoop_ReturnsTheMatch()
    {
        using var loop = new EventLoop();
        var result = Bounded.Run(() => loop.RunUntilComplete(AsyncSearch(Lucas(), x => x.ToString().Length >= 6)));
        Assert.Equal(new BigInteger(103682), result);
    }
}
