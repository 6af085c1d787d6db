using Coop.Core;

namespace Coop.Tests.Determinism;

public class PctChooserTests
{
    private static readonly Action<object?> Noop = static _ => { };

    [Fact]
    public void ChooseNext_DepthOne_SameEntityWinsWheneverReady()
    {
        // Depth 1 has no priority change points: priorities are fixed for the run.
        var a = new object();
        var b = new object();
        var chooser = new PctChooser(seed: 5, depth: 1, estimatedSteps: 10);
        var first = Pick(chooser, a, b);
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(first, Pick(chooser, a, b));
            Assert.Same(first, Pick(chooser, b, a));
        }
    }

    [Fact]
    public void ChooseNext_DepthTwo_WinnerChangesOnlyAtTheChangePoint()
    {
        // One change point, at step 1 or 2: when it is step 2, the winner of step 1 drops to the
        // bottom there and the other entity wins from then on; the winner never changes again.
        var a = new object();
        var b = new object();
        var flips = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var chooser = new PctChooser(seed, depth: 2, estimatedSteps: 2);
            var winners = Enumerable.Range(0, 10).Select(_ => Pick(chooser, a, b)).ToList();
            Assert.All(winners.Skip(1), w => Assert.Same(winners[1], w));
            if (!ReferenceEquals(winners[0], winners[1]))
            {
                flips++;
            }
        }

        Assert.InRange(flips, 1, 19);
    }

    private static object Pick(PctChooser chooser, object first, object second)
    {
        var queue = new ReadyQueue();
        queue.Enqueue(Noop, first);
        queue.Enqueue(Noop, second);
        return chooser.ChooseNext(queue, 2) == 0 ? first : second;
    }
}
