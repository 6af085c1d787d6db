using System.Numerics;
using static Coop.Talk.TalkFunctions;

namespace Coop.Tests.Talk;

public class TalkFunctionsLucasTests
{
    [Fact]
    public void Lucas_FirstTen_AreTheNotebooks()
    {
        // In[3]: list(islice(lucas(), 10))
        Assert.Equal(new BigInteger[] { 2, 1, 3, 4, 7, 11, 18, 29, 47, 76 }, Lucas().Take(10));
    }

    [Fact]
    public void Lucas_PastLongRange_KeepsAddingExactly()
    {
        var terms = Lucas().Take(200).ToList();
        for (var i = 2; i < terms.Count; i++)
        {
            Assert.Equal(terms[i - 1] + terms[i - 2], terms[i]);
        }

        Assert.True(terms[^1] > long.MaxValue);
    }

    [Fact]
    public void Lucas_TwoEnumerations_StartAfresh()
    {
        var lucas = Lucas();
        Assert.Equal(lucas.Take(5), lucas.Take(5));
    }
}
