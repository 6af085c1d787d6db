using System.Runtime.CompilerServices;
using Coop.Tests.Support;

namespace Coop.Tests.Core;

/// <summary>Core/EventLoop.Tasks.cs: the first steps of tasks made one after another share a ready
/// entry, and the live list gives finished tasks back.</summary>
public class EventLoopTasksTests
{
    private static async Coroutine Note(List<string> log, string name)
    {
        log.Add(name);
        await Coroutine.Yield();
        log.Add(name + " again");
    }

    /// <summary>Three passes: every task made before it has run twice by its end.</summary>
    private static async Coroutine Settle()
    {
        await Coroutine.Yield();
        await Coroutine.Yield();
    }

    [Fact]
    public void CreateTask_BurstsWithCallbacksBetween_FirstStepsRunInTheOrderTheyWereMade()
    {
        var log = new List<string>();
        using var loop = new EventLoop();
        loop.CreateTask(Note(log, "a"));
        loop.CreateTask(Note(log, "b"));
        loop.CallSoon(() => log.Add("callback"));
        loop.CreateTask(Note(log, "c"));
        loop.CreateTask(Note(log, "d"));
        Bounded.Run(() => loop.RunUntilComplete(Settle()));
        Assert.Equal(["a", "b", "callback", "c", "d", "a again", "b again", "c again", "d again"], log);
    }

    [Fact]
    public void CreateTask_WhileABurstsFirstStepsRun_WaitsForTheNextPass()
    {
        var log = new List<string>();
        using var loop = new EventLoop();
        async Coroutine Maker()
        {
            log.Add("maker");
            _ = loop.CreateTask(Note(log, "made during the pass"));
            await Coroutine.Yield();
        }

        loop.CreateTask(Maker());
        loop.CreateTask(Note(log, "second of the burst"));
        Bounded.Run(() =>
        {
            loop.Stop();
            loop.RunForever(); // one iteration: one pass
        });
        Assert.Equal(["maker", "second of the burst"], log);
        Bounded.Run(() => loop.RunUntilComplete(Settle()));
        Assert.Equal("made during the pass", log[2]);
    }

    [Fact]
    public void CreateTask_CanceledInABurstBeforeItsFirstStep_EndsCanceledWithoutRunning()
    {
        var log = new List<string>();
        using var loop = new EventLoop();
        var first = loop.CreateTask(Note(log, "first"));
        var second = loop.CreateTask(Note(log, "second"));
        var third = loop.CreateTask(Note(log, "third"));
        second.Cancel();
        Bounded.Run(() => loop.RunUntilComplete(Settle()));
        Assert.True(second.IsCanceled);
        Assert.Equal(["first", "third", "first again", "third again"], log);
        Assert.True(first.IsDone && third.IsDone);
    }

    [Fact]
    public void AllTasks_AfterThousandsOfTasksEnded_NeitherListsNorHoldsThem()
    {
        using var loop = new EventLoop();
        var weak = Bounded.Run(() => RunMany(loop, 2000));
        Assert.Empty(loop.AllTasks());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var held = weak.Count(w => w.IsAlive);
        Assert.True(held <= 100, $"the loop still holds {held} of 2000 finished tasks");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> RunMany(EventLoop loop, int count)
    {
        var weak = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            weak.Add(new WeakReference(loop.CreateTask(Note([], "x"))));
        }

        loop.RunUntilComplete(Settle());
        return weak;
    }
}
