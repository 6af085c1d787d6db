using System.Runtime.CompilerServices;
using Coop.Tests.Diagnostics;
using Coop.Tests.Support;

namespace Coop.Tests.Time;

public class DeadlockExceptionTests
{
    [Fact]
    public void For_LoopWithoutTasks_SaysTheFutureCanNeverComplete()
    {
        using var loop = new EventLoop(new VirtualClock());
        var never = loop.CreateFuture();
        var error = Assert.Throws<DeadlockException>(() => loop.RunUntilComplete(never));
        Assert.Contains("no task is alive", error.Message, StringComparison.Ordinal);
        Assert.Empty(error.BlockedTasks);
        Assert.DoesNotContain("Wait-for graph", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructors_KeepMessageAndInner()
    {
        var inner = new InvalidOperationException("x");
        Assert.Same(inner, new DeadlockException("m", inner).InnerException);
        Assert.Equal("m", new DeadlockException("m").Message);
        Assert.Contains("Deadlock", new DeadlockException().Message, StringComparison.Ordinal);
    }

    private static DeadlockException Deadlock(Func<Coroutine> main) =>
        Assert.Throws<DeadlockException>(() => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock())));

    [Fact]
    public void For_TwoTasksTakingTwoLocksInOppositeOrder_TheMessageShowsTheCycleThroughTheLockOwners()
    {
        static async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var first = new CoopLock();
            var second = new CoopLock();
            var a = loop.CreateTask(WaitForGraphTests.TakeBoth(first, second), "a");
            var b = loop.CreateTask(WaitForGraphTests.TakeBoth(second, first), "b");
            await a;
            await b;
        }

        var error = Deadlock(Main);

        Assert.Contains("\nWait-for graph:\n", error.Message, StringComparison.Ordinal);
        Assert.Matches(
            @"task \d+ \('main'\) waits on task \d+ \('a'\), which waits on lock \d+, held by task \d+ \('b'\), which waits on lock \d+, held by task \d+ \('a'\): a cycle",
            error.Message);
    }

    private static int Here([CallerLineNumber] int line = 0) => line;

    private static async Coroutine HoldAndReceive(CoopLock gate, ChannelReceiver<int> receiver, StrongBox<int> line)
    {
        using (await gate.AcquireAsync())
        {
            line.Value = Here(); await receiver.ReceiveAsync();
        }
    }

    private static async Coroutine Take(CoopLock gate)
    {
        using (await gate.AcquireAsync())
        {
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ChannelReceiver<int> ChannelWhoseSenderIsDropped() => CoopChannel.Create<int>(1).Receiver; // never closed

    [Fact]
    public void For_AChainEndingAtAChannelWhoseSenderWasDropped_SaysItHasNoLiveSender()
    {
        var line = new StrongBox<int>();
        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var gate = new CoopLock();
            _ = loop.CreateTask(HoldAndReceive(gate, ChannelWhoseSenderIsDropped(), line), "holder");
            await Coroutine.Yield();
            await loop.CreateTask(Take(gate), "waiter");
        }

        var error = Deadlock(Main);

        Assert.Matches(
            @"\('waiter'\), which waits on lock \d+, held by task \d+ \('holder'\), which waits on channel \d+ with no live sender \(its open sender was dropped without Close and collected",
            error.Message);
        Assert.Contains(error.BlockedTasks, t => t.Contains("'holder'", StringComparison.Ordinal)
            && t.Contains($", in DeadlockExceptionTests.HoldAndReceive (DeadlockExceptionTests.cs:{line.Value})", StringComparison.Ordinal));
    }

    [Fact]
    public void For_AReceiverWhoseOwnTaskHoldsTheOpenSender_SaysTheSenderLivesButNotWhoHoldsIt()
    {
        static async Coroutine Main()
        {
            var (sender, receiver) = CoopChannel.Create<int>(1);
            await receiver.ReceiveAsync(); // forgot to close the sender: nobody ever sends
            GC.KeepAlive(sender);
        }

        var error = Deadlock(Main);

        Assert.Matches(@"task \d+ \('main'\) waits on channel \d+ \(empty; 1 live sender, held by tasks no report can name\)\.", error.Message);
    }
}
