using Coop.Tests.Properties.Model;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

public class WaitForGraphTests
{
    private static async Coroutine Pass() => await Coroutine.Yield();

    [Fact]
    public void Graph_TwoTasksTakingTwoLocksInOppositeOrder_ReportsTheCycleThroughBothLocks()
    {
        var (dump, a, b) = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var first = new CoopLock();
            var second = new CoopLock();
            var ta = loop.CreateTask(TakeBoth(first, second), "a");
            var tb = loop.CreateTask(TakeBoth(second, first), "b");
            for (var i = 0; i < 3; i++)
            {
                loop.RunUntilComplete(Pass());
            }

            var result = TaskDump.Capture(loop);
            ta.Cancel();
            tb.Cancel();
            loop.RunUntilComplete(Pass());
            return (result, ta.Id, tb.Id);
        });

        var cycle = Assert.Single(dump.Graph.Cycles);
        Assert.Equal([Math.Min(a, b), Math.Max(a, b)], cycle);
        var text = dump.Graph.ToText();
        Assert.Matches($@"task {a} \('a'\) waits on lock \d+, held by task {b} \('b'\), which waits on lock \d+, held by task {a} \('a'\): a cycle", text);
    }

    /// <summary>Takes <paramref name="one"/>, yields, then takes <paramref name="two"/>: two of
    /// these with the locks in opposite order deadlock (DeadlockExceptionTests uses it too).</summary>
    internal static async Coroutine TakeBoth(CoopLock one, CoopLock two)
    {
        using (await one.AcquireAsync())
        {
            await Coroutine.Yield();
            using (await two.AcquireAsync())
            {
            }
        }
    }

    [Fact]
    public void Graph_AChainEndingInASleep_ReadsAsOneSentenceAndHasNoCycle()
    {
        var (dump, ids) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var gate = new CoopLock();
            var holder = loop.CreateTask(HoldAndSleep(gate), "holder");
            var waiter = loop.CreateTask(Take(gate), "waiter");
            var boss = loop.CreateTask(Await(waiter), "boss");
            loop.RunUntilComplete(Pass());
            loop.RunUntilComplete(Pass());
            var result = TaskDump.Capture(loop);
            foreach (var t in new[] { holder, waiter, boss })
            {
                t.Cancel();
            }

            loop.RunUntilComplete(Pass());
            return (result, (holder.Id, waiter.Id, boss.Id));
        });

        Assert.Empty(dump.Graph.Cycles);
        Assert.Matches(
            $@"task {ids.Item3} \('boss'\) waits on task {ids.Item2} \('waiter'\), which waits on lock \d+, held by task {ids.Item1} \('holder'\), which waits on a sleep \(a timer\)\.",
            dump.Graph.ToText());
    }

    private static async Coroutine HoldAndSleep(CoopLock gate)
    {
        using (await gate.AcquireAsync())
        {
            await Coroutine.Sleep(1000);
        }
    }

    private static async Coroutine Take(CoopLock gate)
    {
        using (await gate.AcquireAsync())
        {
        }
    }

    private static async Coroutine Await(CoopTask task) => await task;
}
