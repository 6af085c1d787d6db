using Coop.Core;

namespace Coop.Tests.Core;

public class InboxTests
{
    [Fact]
    public void DrainInto_Posts_KeepPostingOrderAndMarkThemPosted()
    {
        var inbox = new Inbox();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(inbox.TryPost(_ => { }, i));
        }

        Assert.True(inbox.HasPosts);
        var ready = new ReadyQueue();
        inbox.DrainInto(ready);
        Assert.False(inbox.HasPosts);
        var items = Enumerable.Range(0, 3).Select(_ => ready.Dequeue()).ToList();
        Assert.All(items, i => Assert.True(i.Posted));
        Assert.Equal([0, 1, 2], items.Select(i => (int)((PostedCallback)i.State!).State!));
    }

    [Fact]
    public void Close_ReturnsUndrainedAndRefusesMore()
    {
        var inbox = new Inbox();
        inbox.TryPost(_ => { }, "left");
        var left = inbox.Close();
        Assert.Equal("left", Assert.Single(left).State);
        Assert.False(inbox.TryPost(_ => { }, "late"));
        Assert.False(inbox.HasPosts);
    }

    [Fact]
    public void Wait_PostAlreadyThere_ReturnsWithoutSleeping()
    {
        var inbox = new Inbox();
        inbox.TryPost(_ => { }, null);
        inbox.Wait(Timeout.InfiniteTimeSpan); // would hang if it slept
        Assert.True(inbox.HasPosts);
    }

    [Fact]
    public void Wait_PostFromAnotherThread_WakesTheSleeper()
    {
        var inbox = new Inbox();
        var poster = new Thread(() =>
        {
            EventLoopTests.SpinUntil(() => inbox.IsSleeping);
            inbox.TryPost(_ => { }, null);
        });
        Support.Bounded.Run(() =>
        {
            poster.Start();
            inbox.Wait(Timeout.InfiniteTimeSpan);
            poster.Join();
        });
        Assert.True(inbox.HasPosts);
        Assert.False(inbox.IsSleeping);
    }
}
