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
    public void Join_OneJoinerTimesOut_OtherJoinersStillReleased()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            q.PutNowait(1);
            var patient = loop.CreateTask(Await(q.JoinAsync()));
            await Assert.ThrowsAsync<TimeoutException>(async () => await EventLoop.Current.CreateTask(Coroutine.WaitFor(q.JoinAsync(), 0.01)));
            var gather = Coroutine.Gather(q.JoinAsync());
            await Ticks(1);
            gather.Cancel();
            await Ticks(1);
            q.GetNowait();
            q.TaskDone();
            await patient;
            await q.JoinAsync();
        });
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
    public void Join_ItemsOfAdmittedPutsCount_JoinWaitsForTheirTaskDoneToo()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(maxSize: 1);
            var loop = EventLoop.Current;
            q.PutNowait(1);
            var blockedPut = loop.CreateTask(Put(q, 2));
            await Ticks(1);
            Assert.Equal(1, q.GetNowait()); // admits the blocked put: 2 is in the queue, unfinished
            await blockedPut;
            q.TaskDone();
            var joined = loop.CreateTask(Await(q.JoinAsync()));
            await Ticks(2);
            Assert.False(joined.IsDone); // 2 is not marked done yet
            Assert.Equal(2, q.GetNowait());
            q.TaskDone();
            await joined;
            Assert.Throws<InvalidOperationException>(q.TaskDone); // no more than were put
        });
    }

    [Fact]
    public void Shutdown_DefaultErrors_SayWhichSideIsRefused()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var q = new CoopQueue<int>();
            q.Shutdown();
            Assert.Equal("The queue was shut down: it accepts no more items.", Assert.Throws<QueueShutDownException>(() => q.PutNowait(1)).Message);
            Assert.Equal("The queue was shut down: it accepts no more items.", Assert.Throws<QueueShutDownException>(() => q.TryPut(1)).Message);
            Assert.Equal("The queue was shut down and is empty.", Assert.Throws<QueueShutDownException>(() => q.TryGet(out _)).Message);
        });
    }

    [Fact]
    public void Shutdown_ImmediateWhileAnItemIsOnItsWayToACanceledGetter_ItemDroppedAndCountedDone()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var getter = loop.CreateTask(Get(q));
            await Ticks(1);
            q.PutNowait(7);               // handed to the getter: unfinished until TaskDone
            q.Shutdown(immediate: true);  // the getter has its item already
            getter.Cancel();              // ...and gives it back: dropped, as the rest was
            await Assert.ThrowsAsync<CanceledException>(async () => await getter);
            Assert.True(q.IsEmpty);
            await q.JoinAsync();          // the dropped item counts as done
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

    [Fact]
    public void TaskDoneAndShutdown_NoLoopOrTooManyTaskDones_ThrowClearly()
    {
        var q = new CoopQueue<int>();
        Assert.Contains("no event loop", Assert.Throws<InvalidOperationException>(q.TaskDone).Message, StringComparison.Ordinal);
        Assert.Contains("no event loop", Assert.Throws<InvalidOperationException>(() => q.Shutdown()).Message, StringComparison.Ordinal);
        Run(async () =>
        {
            await Coroutine.Yield();
            var bound = new CoopQueue<int>();
            var ex = Assert.Throws<InvalidOperationException>(bound.TaskDone);
            Assert.Equal("CoopQueue.TaskDone was called more times than items were put.", ex.Message);
        });
    }

    [Fact]
    public void Join_NothingUnfinished_AllocatesNothingAfterTheFirst()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            await q.JoinAsync(); // the first makes the done future every later one shares
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                await q.JoinAsync();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }
}
