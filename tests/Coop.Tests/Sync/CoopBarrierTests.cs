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
            var loop = EventLoop.RunningLoop;
            var tasks = Enumerable.Range(0, 2).Select(_ => loop.CreateTask(Await(barrier.Wait()))).ToList();
            await Ticks(2);
            Assert.Equal(2, barrier.Waiting);
            var mine = await barrier.Wait();
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
            var loop = EventLoop.RunningLoop;
            var a = loop.CreateTask(Await(barrier.Wait()));
            await Ticks(1);
            a.Cancel();
            await Ticks(1);
            Assert.Equal(0, barrier.Waiting);
            var b = loop.CreateTask(Await(barrier.Wait()));
            await Ticks(1);
            Assert.False(b.IsDone);
            await barrier.Wait();
            await b;
        });
    }

    [Fact]
    public void Abort_WaitersAndLaterWaitsRaiseBroken()
    {
        Run(async () =>
        {
            var barrier = new CoopBarrier(3);
            var loop = EventLoop.RunningLoop;
            var a = loop.CreateTask(Await(barrier.Wait()));
            await Ticks(1);
            barrier.Abort();
            await Assert.ThrowsAsync<BrokenBarrierException>(async () => await a);
            Assert.Throws<BrokenBarrierException>(() => barrier.Wait());
            barrier.Reset();
            Assert.False(barrier.IsBroken);
        });
    }

    [Fact]
    public void Constructor_ZeroParties_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CoopBarrier(0));
    }
}
