using Coop.Core;
using CsCheck;

namespace Coop.Tests.Determinism;

public class RandomChooserTests
{
    internal static ReadyQueue Queue(int n)
    {
        var queue = new ReadyQueue();
        for (var i = 0; i < n; i++)
        {
            queue.Enqueue(static _ => { }, i);
        }

        return queue;
    }

    [Fact]
    public void ChooseNext_SameSeed_SameChoices_AllInRange()
    {
        Gen.Long.Sample(
            seed =>
            {
                var a = new RandomChooser(seed);
                var b = new RandomChooser(seed);
                var queue = Queue(5);
                for (var i = 0; i < 50; i++)
                {
                    var candidates = 2 + (i % 4);
                    var x = a.ChooseNext(queue, candidates);
                    if (x != b.ChooseNext(queue, candidates) || x < 0 || x >= candidates)
                    {
                        return false;
                    }
                }

                return a.Trace.Count == 50;
            },
            iter: 100);
    }

    [Fact]
    public void ChooseNext_ManyDraws_EveryCandidateChosen()
    {
        var chooser = new RandomChooser(12345);
        var queue = Queue(3);
        var seen = new HashSet<int>();
        for (var i = 0; i < 100; i++)
        {
            seen.Add(chooser.ChooseNext(queue, 3));
        }

        Assert.Equal([0, 1, 2], seen.Order());
    }
}
