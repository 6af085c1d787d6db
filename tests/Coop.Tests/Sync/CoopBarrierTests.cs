using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopBarrierTests
{
    [Fact]
    public void Wait_AllPartiesArrive_AllPassWithDistinctIndices()
    {
        Run(async () =>
        {
            var barrier = new CoopBarrier(3);
            var loop = EventLoop.Current;
            var tasks = Enumerable.Range(0, 2).Select(_ => loop.CreateTask(Await(barrier.WaitAsync()))).ToList();
            await Ticks(2);
            Assert.Equal(2, barrier.Waiting);
            var mine = await barrier.WaitAsync();
            var indices = new List<int> { mine };
            foreach (var t in tasks)
            {
                indices.Add(await t);
            }

            Assert.Equal([0, 1, 2], indices.Order());
            Assert.Equal(0, barrier.Waiting); // reset for the next round
        });
    }

    [Fact]
    public void Cancel_Waiter_IsNotCounted()
    {
        Run(async () =>
        {
            var barrier = new CoopBarrier(2);
            var loop = EventLoop.Current;
            var a = loop.CreateTask(Await(barrier.WaitAsync()));
            await Ticks(1);
            a.Cancel();
            await Ticks(1);
            Assert.Equal(0, barrier.Waiting);
            var b = loop.CreateTask(Await(barrier.WaitAsync()));
            await Ticks(1);
            Assert.False(b.IsDone);
            await barrier.WaitAsync();
            await b;
        });
    }

    [Fact]
    public void Abort_WaitersAndLaterWaitsRaiseBroken()
    {
        Run(async () =>
        {
            var barrier = new CoopBarrier(3);
            var loop = EventLoop.Current;
            var a = loop.CreateTask(Await(barrier.WaitAsync()));
            await Ticks(1);
            barrier.Abort();
            await Assert.ThrowsAsync<BrokenBarrierException>(async () => await a);
            Assert.Throws<BrokenBarrierException>(() => barrier.WaitAsync());
            barrier.Reset();
            Assert.False(barrier.IsBroken);
        });
    }

    [Fact]
    public void Constructor_ZeroParties_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CoopBarrier(0));
    }

    [Fact]
    public void Abort_WaitersAndLaterWaits_GetBrokenBarrierWithClearMessages()
    {
        Run(async () =>
        {
            var barrier = new CoopBarrier(3);
            var loop = EventLoop.Current;
            var waiter = loop.CreateTask(Await(barrier.WaitAsync()));
            await Ticks(1);
            Assert.Equal("<CoopBarrier 1/3>", barrier.ToString());
            barrier.Abort();
            Assert.Equal("<CoopBarrier 0/3 broken>", barrier.ToString());
            var during = await Assert.ThrowsAsync<BrokenBarrierException>(async () => await waiter);
            Assert.Equal("The barrier was aborted while this task waited.", during.Message);
            var after = Assert.Throws<BrokenBarrierException>(() => barrier.WaitAsync());
            Assert.Equal("The barrier is broken (aborted): call Reset to use it again.", after.Message);
            barrier.Reset();
            Assert.False(barrier.IsBroken);
            Assert.Equal(0, barrier.Waiting);
        });
    }

    [Fact]
    public void Reset_WhileATaskWaits_ItRaisesBrokenAndTheBarrierIsUsableAgain()
    {
        Run(async () =>
        {
            var barrier = new CoopBarrier(2);
            var waiter = EventLoop.Current.CreateTask(Await(barrier.WaitAsync()));
            await Ticks(1);
            barrier.Reset();
            await Assert.ThrowsAsync<BrokenBarrierException>(async () => await waiter);
            Assert.False(barrier.IsBroken);
            Assert.Equal(0, barrier.Waiting);
        });
    }

    [Fact]
    public void Abort_WithNoLoopRunning_ThrowsClearly()
    {
        var barrier = new CoopBarrier(2);
        Assert.Contains("no event loop", Assert.Throws<InvalidOperationException>(barrier.Abort).Message, StringComparison.Ordinal);
    }
}
