using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopQueueCompletionTests
{
    [Fact]
    public void Join_CompletesWhenEveryItemIsMarkedDone()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            q.PutNowait(1);
            q.PutNowait(2);
            var joined = loop.CreateTask(Join(q));
            await Ticks(2);
            q.GetNowait();
            q.TaskDone();
            await Ticks(2);
            Assert.False(joined.IsDone);
            q.GetNowait();
            q.TaskDone();
            await joined;
            Assert.Throws<InvalidOperationException>(q.TaskDone);
        });

        static async Coroutine Join(CoopQueue<int> q) => await q.JoinAsync();
    }

    [Fact]
    public void Cancel_OneJoiner_OtherJoinersStillReleased()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            q.PutNowait(1);
            var a = loop.CreateTask(Await(q.JoinAsync()));
            var b = loop.CreateTask(Await(q.JoinAsync()));
            await Ticks(1);
            a.Cancel();
            await Ticks(1);
            q.GetNowait();
            q.TaskDone();
            await b;
            Assert.True(a.IsCanceled);
        });
    }

    [Fact]
    public void Shutdown_Gentle_GetsDrainThenRaise_PutsRaise()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(maxSize: 1);
            var loop = EventLoop.Current;
            q.PutNowait(1);
            var blockedPut = loop.CreateTask(Put(q, 2));
            await Ticks(2);
            q.Shutdown();
            await Assert.ThrowsAsync<QueueShutDownException>(async () => await blockedPut);
            Assert.Throws<QueueShutDownException>(() => q.PutAsync(3));
            Assert.Equal(1, await q.GetAsync());
            Assert.Throws<QueueShutDownException>(() => q.GetAsync());
        });
    }

    [Fact]
    public void Shutdown_WaitingGetters_RaiseShutDown()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var g = loop.CreateTask(Get(q));
            await Ticks(2);
            q.Shutdown();
            await Assert.ThrowsAsync<QueueShutDownException>(async () => await g);
        });
    }

    [Fact]
    public void Shutdown_Immediate_DropsItemsAndReleasesJoin()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            q.PutNowait(1);
            q.PutNowait(2);
            q.Shutdown(immediate: true);
            Assert.True(q.IsEmpty);
            Assert.Throws<QueueShutDownException>(() => q.GetAsync());
            await q.JoinAsync();
        });
    }

    private static async Coroutine Put(CoopQueue<int> q, int item) => await q.PutAsync(item);

    private static async Coroutine<int> Get(CoopQueue<int> q) => await q.GetAsync();
}
