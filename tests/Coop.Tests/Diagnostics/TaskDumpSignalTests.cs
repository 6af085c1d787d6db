using System.Runtime.CompilerServices;
using Coop.Diagnostics;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

public class TaskDumpSignalTests
{
    private static async Coroutine Waits(Future never) => await never;

    private static async Coroutine RequestsADump(EventLoop loop, StringWriter output) =>
        await Coroutine.FromTask(Task.Run(() => TaskDumpSignal.WriteDump(loop, output, TimeSpan.FromSeconds(10))));

    [Fact]
    public void WriteDump_ALoopThatAnswers_WritesAConsistentDumpTakenOnItsThread()
    {
        var output = new StringWriter();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var never = loop.CreateFuture();
            loop.CreateTask(Waits(never), "sleeper");
            loop.RunUntilComplete(RequestsADump(loop, output));
            never.Cancel();
            loop.RunUntilComplete(Pass());
        });

        var text = output.ToString();
        Assert.Contains("live tasks:", text, StringComparison.Ordinal);
        Assert.Contains("('sleeper') Waiting", text, StringComparison.Ordinal);
        Assert.DoesNotContain("inconsistent", text, StringComparison.Ordinal);
    }

    private static async Coroutine Pass() => await Coroutine.Yield();

    private static async Coroutine Stalls(EventLoop loop, StringWriter output)
    {
        await Coroutine.Yield();
        var dumper = Task.Run(() => TaskDumpSignal.WriteDump(loop, output, TimeSpan.FromMilliseconds(100)));
        dumper.Wait(); // the loop is stuck in this step: the dump cannot be taken on its thread
    }

    [Fact]
    public void WriteDump_ALoopStuckInsideAStep_ReadsItFromTheSignalThreadAndSaysSo()
    {
        var output = new StringWriter();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            loop.RunUntilComplete(Stalls(loop, output));
        });

        var text = output.ToString();
        Assert.Contains("read while the loop was busy", text, StringComparison.Ordinal);
        Assert.Contains("Running", text, StringComparison.Ordinal);
        Assert.Contains("TaskDumpSignalTests.Stalls", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteDump_AClosedLoop_SaysItHasNoTasks()
    {
        var loop = new EventLoop();
        loop.Close();
        var output = new StringWriter();

        TaskDumpSignal.WriteDump(loop, output, TimeSpan.FromMilliseconds(10));

        Assert.Contains("closed", output.ToString(), StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<EventLoop> LoopDropped() => new(new EventLoop());

    [Fact]
    public void WriteDump_ALoopCollectedWithoutClose_SaysSoWithoutHavingKeptIt()
    {
        var loop = LoopDropped();
        for (var i = 0; i < 50 && IsAlive(loop); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var output = new StringWriter();
        TaskDumpSignal.WriteDump(loop, output, TimeSpan.FromMilliseconds(10));

        Assert.Contains("collected without being closed", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Out of line: a target read into the test's own frame would stay alive there.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsAlive(WeakReference<EventLoop> loop) => loop.TryGetTarget(out _);
}
