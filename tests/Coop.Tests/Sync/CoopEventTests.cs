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
}
