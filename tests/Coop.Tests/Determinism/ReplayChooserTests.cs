
namespace Coop.Tests.Determinism;

public class ReplayChooserTests
{
    [Fact]
    public void ChooseNext_FollowsTheList_ThenFifo()
    {
        var chooser = new ReplayChooser([1, 0, 2]);
        var queue = RandomChooserTests.Queue(3);
        Assert.Equal(1, chooser.ChooseNext(queue, 3));
        Assert.Equal(0, chooser.ChooseNext(queue, 3));
        Assert.Equal(2, chooser.ChooseNext(queue, 3));
        Assert.Equal(0, chooser.ChooseNext(queue, 3));
    }

    [Fact]
    public void ChooseNext_ChoiceBeyondCandidates_IsClampedToTheLast()
    {
        var chooser = new ReplayChooser([5, -1]);
        var queue = RandomChooserTests.Queue(3);
        Assert.Equal(1, chooser.ChooseNext(queue, 2));
        Assert.Equal(0, chooser.ChooseNext(queue, 2));
        Assert.Equal([1, 0], chooser.Trace.Choices.Select(c => c.Index));
    }
}
