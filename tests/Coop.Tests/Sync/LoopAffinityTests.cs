using Coop.Core;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class LoopAffinityTests
{
    [Fact]
    public void Bind_NoLoopOnThread_ThrowsNamingThePrimitive()
    {
        EventLoop? bound = null;
        var ex = Assert.Throws<InvalidOperationException>(() => LoopAffinity.Bind(ref bound, new CoopEvent()));
        Assert.Equal(
            "CoopEvent was used with no event loop running on this thread: use it from a coroutine or callback on its " +
            "loop's thread (from another thread, post work with loop.CallSoonThreadsafe).", ex.Message);
        Assert.Null(bound);
    }

    [Fact]
    public void Bind_FirstUse_BindsThenRefusesAnotherLoop()
    {
        EventLoop? bound = null;
        EventLoop? first = null;
        Run(async () =>
        {
            await Coroutine.Yield();
            first = LoopAffinity.Bind(ref bound, this);
            Assert.Same(EventLoop.Current, first);
        });
        Run(async () =>
        {
            await Coroutine.Yield();
            var ex = Assert.Throws<InvalidOperationException>(() => LoopAffinity.Bind(ref bound, new CoopLock()));
            Assert.Equal(
                "CoopLock belongs to another event loop: a primitive is bound to the loop it was first used on; create one per loop.",
                ex.Message);
        });
        Assert.Same(first, bound);
    }

    [Fact]
    public void BindForWait_TaskCanceled_RaisesCanceled()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            EventLoop? bound = null;
            CoopTask.Current!.Cancel();
            Assert.Throws<CanceledException>(() => LoopAffinity.BindForWait(ref bound, this));
        });
    }

    public static TheoryData<string> Primitives => ["lock", "semaphore", "bounded", "event", "condition", "barrier", "queue", "channel"];

    [Theory]
    [MemberData(nameof(Primitives))]
    public void EveryPrimitive_UsedFromAnotherThread_ThrowsInvalidOperation(string kind)
    {
        Action use = kind switch
        {
            "lock" => () => new CoopLock().TryAcquire(),
            "semaphore" => () => new CoopSemaphore().Release(),
            "bounded" => () => new CoopBoundedSemaphore().TryAcquire(),
            "event" => () => new CoopEvent().WaitAsync(),
            "condition" => () => new CoopCondition().Notify(),
            "barrier" => () => new CoopBarrier(2).WaitAsync(),
            "queue" => () => new CoopQueue<int>().TryPut(1),
            _ => () => CoopChannel.Create<int>(1).Sender.TrySend(1),
        };
        var ex = Assert.ThrowsAny<InvalidOperationException>(use);
        Assert.Contains("no event loop", ex.Message, StringComparison.Ordinal);
    }
}
