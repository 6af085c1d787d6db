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
            var loop = EventLoop.Current;
            var waiters = Enumerable.Range(0, 3).Select(_ => loop.CreateTask(Await(ev.WaitAsync()))).ToList();
            await Ticks(2);
            Assert.All(waiters, w => Assert.False(w.IsDone));
            ev.Set();
            foreach (var w in waiters)
            {
                await w;
            }

            Assert.True(ev.IsSet);
            await ev.WaitAsync(); // set: does not wait
        });
    }

    [Fact]
    public void Cancel_OneWaiter_OthersStillWoken()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.Current;
            var a = loop.CreateTask(Await(ev.WaitAsync()));
            var b = loop.CreateTask(Await(ev.WaitAsync()));
            await Ticks(1);
            a.Cancel();
            ev.Set();
            await b;
            await Assert.ThrowsAsync<CanceledException>(async () => await a);
        });
    }

    // asyncio's everyday idiom, wait_for(event.wait(), t): when Wait handed every caller one shared
    // future, the timeout canceled it and every other waiter got CanceledException, even after Set.
    [Fact]
    public void Wait_OneWaiterTimesOut_OthersWokenBySetAndTheEventStillWorks()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.Current;
            var patient = loop.CreateTask(Await(ev.WaitAsync()));
            await Assert.ThrowsAsync<TimeoutException>(async () => await EventLoop.Current.CreateTask(Coroutine.WaitFor(ev.WaitAsync(), 0.01)));
            Assert.False(patient.IsDone);
            ev.Set();
            await patient;
            await ev.WaitAsync();
            Assert.False(ev.WaitAsync().IsCanceled);
        });
    }

    [Fact]
    public void Wait_AGatherOfItIsCanceled_OtherWaitersUnharmed()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var loop = EventLoop.Current;
            var patient = loop.CreateTask(Await(ev.WaitAsync()));
            var gather = Coroutine.Gather(ev.WaitAsync());
            await Ticks(1);
            gather.Cancel();
            await Ticks(2);
            ev.Set();
            await patient;
        });
    }

    [Fact]
    public void Wait_TheReturnedFutureCanceled_EndsThatWaitOnly()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var mine = ev.WaitAsync();
            var other = ev.WaitAsync();
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
            var loop = EventLoop.Current;
            ev.Set();
            ev.Clear();
            var w = loop.CreateTask(Await(ev.WaitAsync()));
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

    [Fact]
    public void ToString_SaysSetOrUnset()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var ev = new CoopEvent();
            Assert.Equal("<CoopEvent unset>", ev.ToString());
            ev.Set();
            Assert.Equal("<CoopEvent set>", ev.ToString());
            ev.Set(); // twice: still set, nothing else
            Assert.True(ev.IsSet);
            ev.Clear();
            Assert.Equal("<CoopEvent unset>", ev.ToString());
        });
    }

    [Fact]
    public void WaitAsync_WhileSet_ReturnsOneDoneFutureAndAllocatesNothingAfterTheFirst()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            ev.Set();
            await ev.WaitAsync();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                await ev.WaitAsync();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void Clear_WhileWaitersWait_TheyStillWaitForTheNextSet()
    {
        Run(async () =>
        {
            var ev = new CoopEvent();
            var waiter = EventLoop.Current.CreateTask(Await(ev.WaitAsync()));
            await Ticks(1);
            ev.Clear();
            await Ticks(1);
            Assert.False(waiter.IsDone);
            ev.Set();
            await waiter;
        });
    }

    [Fact]
    public void Clear_WithNoLoopRunning_ThrowsClearly()
    {
        var ev = new CoopEvent();
        var ex = Assert.Throws<InvalidOperationException>(ev.Clear);
        Assert.Contains("no event loop", ex.Message, StringComparison.Ordinal);
    }
}
