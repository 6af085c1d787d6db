using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopEventTests
{
    [Fact]
    public void Set_WakesEveryWaiter()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.RunningLoop;
            var waiters = Enumerable.Range(0, 3).Select(_ => loop.CreateTask(Await(ev.Wait()))).ToList();
            await Ticks(2);
            Assert.All(waiters, w => Assert.False(w.IsDone));
            ev.Set();
            foreach (var w in waiters)
            {
                await w;
            }

            Assert.True(ev.IsSet);
            await ev.Wait(); // set: does not wait
        });
    }

    [Fact]
    public void Cancel_OneWaiter_OthersStillWoken()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.RunningLoop;
            var a = loop.CreateTask(Await(ev.Wait()));
            var b = loop.CreateTask(Await(ev.Wait()));
            await Ticks(1);
            a.Cancel();
            ev.Set();
            await b;
            await Assert.ThrowsAsync<CancelledException>(async () => await a);
        });
    }

    // asyncio's everyday idiom, wait_for(event.wait(), t): when Wait handed every caller one shared
    // future, the timeout cancelled it and every other waiter got CancelledException, even after Set.
    [Fact]
    public void Wait_OneWaiterTimesOut_OthersWokenBySetAndTheEventStillWorks()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.RunningLoop;
            var patient = loop.CreateTask(Await(ev.Wait()));
            await Assert.ThrowsAsync<TimeoutException>(async () => await EventLoop.RunningLoop.CreateTask(Coroutine.WaitFor(ev.Wait(), 0.01)));
            Assert.False(patient.IsDone);
            ev.Set();
            await patient;
            await ev.Wait();
            Assert.False(ev.Wait().IsCancelled);
        });
    }

    [Fact]
    public void Wait_AGatherOfItIsCancelled_OtherWaitersUnharmed()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.RunningLoop;
            var patient = loop.CreateTask(Await(ev.Wait()));
            var gather = Coroutine.Gather(ev.Wait());
            await Ticks(1);
            gather.Cancel();
            await Ticks(2);
            ev.Set();
            await patient;
        });
    }

    [Fact]
    public void Wait_TheReturnedFutureCancelled_EndsThatWaitOnly()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var mine = ev.Wait();
            var other = ev.Wait();
            Assert.NotSame(mine, other);
            Assert.True(mine.Cancel());
            ev.Set();
            await other;
        });
    }

    [Fact]
    public void Clear_AfterSet_WaitWaitsAgain()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.RunningLoop;
            ev.Set();
            ev.Clear();
            var w = loop.CreateTask(Await(ev.Wait()));
            await Ticks(2);
            Assert.False(w.IsDone);
            ev.Set();
            await w;
        });
    }

    [Fact]
    public void Set_FromAnotherThread_ThrowsClearly()
    {
        var ev = new CoopEvent();
        Assert.Throws<InvalidOperationException>(ev.Set);
    }
}
