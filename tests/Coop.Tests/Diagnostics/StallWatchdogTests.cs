using System.Runtime.CompilerServices;
using Coop.Diagnostics;
using Coop.Tests.Support;

namespace Coop.Tests.Diagnostics;

/// <summary>A debug loop's watchdog thread and its SIGQUIT registration end with the loop, however it
/// ends: closed, disposed, or dropped and collected.</summary>
public class StallWatchdogTests
{
    private static readonly TimeSpan EndsWithin = TimeSpan.FromSeconds(10);

    private static EventLoopOptions Debug() => new() { Debug = true, Logger = new ListLogger() };

    private static async Coroutine Pass() => await Coroutine.Yield();

    [Fact]
    public void Watchdog_LoopClosed_ItsThreadEndsAndTheSignalIsReleased()
    {
        var loop = new EventLoop(Debug());
        var debugger = LoopDebugger.Of(loop)!;
        loop.RunUntilComplete(Pass());
        Assert.True(debugger.Watchdog.WatchThread.IsAlive);
        Assert.False(debugger.Signal!.IsDisposed);

        loop.Close();

        Assert.True(debugger.Watchdog.WatchThread.Join(EndsWithin), "The watchdog's thread outlived the closed loop.");
        Assert.True(debugger.Signal.IsDisposed, "The closed loop kept its SIGQUIT registration.");
    }

    [Fact]
    public void Watchdog_LoopDisposed_ItsThreadEndsAndTheSignalIsReleased()
    {
        LoopDebugger debugger;
        using (var loop = new EventLoop(Debug()))
        {
            debugger = LoopDebugger.Of(loop)!;
        }

        Assert.True(debugger.Watchdog.WatchThread.Join(EndsWithin), "The watchdog's thread outlived the disposed loop.");
        Assert.True(debugger.Signal!.IsDisposed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference<EventLoop> Loop, Thread Thread, TaskDumpSignal Signal) DebugLoopNeverClosed()
    {
        var loop = new EventLoop(Debug());
        loop.RunUntilComplete(Pass());
        var debugger = LoopDebugger.Of(loop)!;
        return (new WeakReference<EventLoop>(loop), debugger.Watchdog.WatchThread, debugger.Signal!);
    }

    [Fact]
    public void Watchdog_LoopDroppedWithoutClose_IsCollectedAndItsThreadEndsAndTheSignalIsReleased()
    {
        var (loop, thread, signal) = DebugLoopNeverClosed();

        for (var i = 0; i < 50 && IsAlive(loop); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(IsAlive(loop), "Something keeps a debug loop that was never closed alive.");
        Assert.True(thread.Join(EndsWithin), "The watchdog's thread outlived the collected loop.");
        Assert.True(signal.IsDisposed, "The collected loop's SIGQUIT registration was never released.");
    }

    [Fact]
    public void Watchdog_Disposed_RunsItsStoppedActionOnceAndItsThreadEnds()
    {
        using var loop = new EventLoop();
        var stops = 0;
        var watchdog = StallWatchdog.Start(loop, TimeSpan.FromMilliseconds(40), null, _ => { });
        watchdog.Stopped = () => Interlocked.Increment(ref stops);

        watchdog.Dispose();
        watchdog.Dispose();

        Assert.True(watchdog.WatchThread.Join(EndsWithin));
        Assert.Equal(1, stops);
    }

    /// <summary>Out of line: a target read into the test's own frame would stay alive there.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsAlive(WeakReference<EventLoop> loop) => loop.TryGetTarget(out _);
}
