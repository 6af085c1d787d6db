using System.Diagnostics;
using System.Runtime.CompilerServices;
using Coop.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Coop.Tests.Diagnostics;

public class LoopDebuggerTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(200);

    private static int Here([CallerLineNumber] int line = 0) => line;

    private static EventLoopOptions Debug(ListLogger logger) => new() { Debug = true, SlowStepThreshold = Threshold, Logger = logger };

    private static List<string> Warnings(ListLogger logger) =>
        logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();

    private static async Coroutine Computes(StrongBox<int> resumedLine, TimeSpan busy)
    {
        resumedLine.Value = Here(); await Coroutine.Yield();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < busy)
        {
            Thread.SpinWait(1000); // a CPU-bound call that never yields
        }
    }

    [Fact]
    public void SlowStep_ACoroutineComputingPastTheThreshold_IsReportedWithItsMethodAndTheLineItResumedAt()
    {
        var logger = new ListLogger();
        var line = new StrongBox<int>();
        Bounded.Run(() => EventLoop.Run(Computes(line, Threshold * 6), Debug(logger)));

        var warnings = Warnings(logger);
        var slow = Assert.Single(warnings, w => w.StartsWith("Slow step:", StringComparison.Ordinal) && w.Contains("Computes", StringComparison.Ordinal));
        Assert.Contains("task", slow, StringComparison.Ordinal);
        Assert.Contains("'main'", slow, StringComparison.Ordinal);
        Assert.Contains($"in LoopDebuggerTests.Computes, resumed at LoopDebuggerTests.cs:{line.Value}", slow, StringComparison.Ordinal);
        var stall = Assert.Single(warnings, w => w.Contains("has run for", StringComparison.Ordinal) && w.Contains("Computes", StringComparison.Ordinal));
        Assert.Contains("without yielding", stall, StringComparison.Ordinal); // computing, not blocked
    }

    [Fact]
    public void SlowStep_StepsUnderTheThreshold_AreNotReported()
    {
        var logger = new ListLogger();
        Bounded.Run(() => EventLoop.Run(Computes(new StrongBox<int>(), TimeSpan.Zero), Debug(logger)));

        Assert.DoesNotContain(Warnings(logger), w => w.Contains("Computes", StringComparison.Ordinal));
    }

    private static async Coroutine BlocksOnAResult(EventLoop loop)
    {
        await Coroutine.Yield();
        var done = loop.CreateFuture<int>();
        loop.CallLater(0.01, () => done.SetResult(1));
        var task = Task.Run(() => Thread.Sleep(Threshold * 8)); // stands for a result the loop must complete
        task.Wait(); // sync over async: the loop thread blocks inside the step
        await done;
    }

    [Fact]
    public void SyncOverAsync_TheLoopThreadBlockedInsideAStep_IsReportedAsBlockedWhileItLasts()
    {
        var logger = new ListLogger();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(Debug(logger));
            loop.RunUntilComplete(BlocksOnAResult(loop));
        });

        var blocked = Assert.Single(Warnings(logger), w => w.Contains("blocked inside this step", StringComparison.Ordinal));
        Assert.Contains("sync over async", blocked, StringComparison.Ordinal);
        Assert.Contains("LoopDebuggerTests.BlocksOnAResult", blocked, StringComparison.Ordinal);
    }

    private static async Coroutine CleansUpAfterCancel(CancelScope scope, StrongBox<int> line, StrongBox<bool> cleanedUp)
    {
        try
        {
            scope.Cancel();
            await Coroutine.Sleep(1);
        }
        finally
        {
            line.Value = Here(); await Coroutine.Sleep(0.001);
            cleanedUp.Value = true;
        }
    }

    [Fact]
    public void CleanupCutShort_AnAwaitInAFinallyOfACanceledScope_IsReportedWithItsLineAndTheShieldFix()
    {
        var logger = new ListLogger();
        var line = new StrongBox<int>();
        var cleanedUp = new StrongBox<bool>();
        Bounded.Run(() => EventLoop.Run(CancelScope.MoveOnAfter(10, scope => CleansUpAfterCancel(scope, line, cleanedUp)), Debug(logger)));

        Assert.False(cleanedUp.Value);
        var warning = Assert.Single(Warnings(logger), w => w.StartsWith("Cleanup cut short", StringComparison.Ordinal));
        Assert.Contains($"LoopDebuggerTests.cs:{line.Value}", warning, StringComparison.Ordinal);
        Assert.Contains("CancelScope.Shielded", warning, StringComparison.Ordinal);
    }

    private static async Coroutine ShieldedCleanup(CancelScope scope, StrongBox<bool> cleanedUp)
    {
        try
        {
            scope.Cancel();
            await Coroutine.Sleep(1);
        }
        finally
        {
            await CancelScope.Shielded(async _ =>
            {
                await Coroutine.Sleep(0.001);
                cleanedUp.Value = true;
            });
        }
    }

    [Fact]
    public void CleanupCutShort_ShieldedCleanup_RunsAndIsNotReported()
    {
        var logger = new ListLogger();
        var cleanedUp = new StrongBox<bool>();
        Bounded.Run(() => EventLoop.Run(CancelScope.MoveOnAfter(10, scope => ShieldedCleanup(scope, cleanedUp)), Debug(logger)));

        Assert.True(cleanedUp.Value);
        Assert.DoesNotContain(Warnings(logger), w => w.StartsWith("Cleanup cut short", StringComparison.Ordinal));
    }

    private static async Coroutine Nothing() => await Coroutine.Yield();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Coroutine DropsOne(StrongBox<int> line)
    {
        line.Value = Here(); _ = Nothing();
        await Coroutine.Yield();
    }

    [Fact]
    public void DroppedCoroutine_CollectedWithoutRunning_IsReportedWithWhereItWasMade()
    {
        var logger = new ListLogger();
        var line = new StrongBox<int>();
        Bounded.Run(() =>
        {
            EventLoop.Run(DropsOne(line), Debug(logger));
            for (var i = 0; i < 3 && !Warnings(logger).Any(w => w.Contains("never run", StringComparison.Ordinal)); i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });

        var warning = Assert.Single(Warnings(logger), w => w.Contains("never run", StringComparison.Ordinal));
        Assert.Contains("LoopDebuggerTests.Nothing", warning, StringComparison.Ordinal);
        Assert.Contains($"made in LoopDebuggerTests.DropsOne at LoopDebuggerTests.cs:{line.Value}", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void DroppedCoroutine_AwaitedOnes_AreNotReported()
    {
        var logger = new ListLogger();
        Bounded.Run(() =>
        {
            EventLoop.Run(AwaitsMany(), Debug(logger));
            GC.Collect();
            GC.WaitForPendingFinalizers();
        });

        Assert.DoesNotContain(Warnings(logger), w => w.Contains("never run", StringComparison.Ordinal));
    }

    private static async Coroutine AwaitsMany()
    {
        for (var i = 0; i < 100; i++)
        {
            await Nothing();
        }
    }

    private static async Coroutine TakeBoth(CoopLock one, CoopLock two)
    {
        using (await one.AcquireAsync())
        {
            await Coroutine.Sleep(0.01);
            using (await two.AcquireAsync())
            {
            }
        }
    }

    private static async Coroutine Deadlocks(EventLoop loop, ListLogger logger)
    {
        var first = new CoopLock();
        var second = new CoopLock();
        var a = loop.CreateTask(TakeBoth(first, second), "a");
        var b = loop.CreateTask(TakeBoth(second, first), "b");
        var waited = Stopwatch.StartNew();
        while (!Warnings(logger).Any(w => w.StartsWith("Deadlock", StringComparison.Ordinal)) && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Coroutine.FromTask(Task.Delay(50)); // the loop sleeps: the watchdog looks
        }

        a.Cancel();
        b.Cancel();
    }

    [Fact]
    public void Deadlock_UnderTheRealClock_TheWatchdogReportsTheCycle()
    {
        var logger = new ListLogger();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(Debug(logger));
            loop.RunUntilComplete(Deadlocks(loop, logger));
        });

        var warning = Assert.Single(Warnings(logger), w => w.StartsWith("Deadlock", StringComparison.Ordinal));
        Assert.Contains("('a') waits on lock", warning, StringComparison.Ordinal);
        Assert.Contains("a cycle", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DebugOff_AddsNoInstrument()
    {
        using var loop = new EventLoop(new EventLoopOptions { Debug = false });

        Assert.Null(loop.ActiveInstrument);
    }

    [Fact]
    public void Options_NonPositiveSlowStepThreshold_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EventLoopOptions { SlowStepThreshold = TimeSpan.Zero });

        Assert.Contains("positive", error.Message, StringComparison.Ordinal);
    }
}
