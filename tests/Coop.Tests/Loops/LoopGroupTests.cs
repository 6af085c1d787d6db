using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Coop.Tests.Support;

namespace Coop.Tests.Loops;

/// <summary>The loop group: one loop per thread, entries per loop, stop and failure policies,
/// cross-loop calls, and the stall watchdog.</summary>
public class LoopGroupTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static LoopGroup Group(int loops, LoopFailurePolicy policy = LoopFailurePolicy.StopGroup, TimeSpan? stall = null, Action<LoopStall>? stalls = null) =>
        new(new LoopGroupOptions { LoopCount = loops, FailurePolicy = policy, StallThreshold = stall, StallReported = stalls });

    [Fact]
    public void Start_OneEntry_RunsOnEveryLoopOnItsOwnNamedThread()
    {
        var seen = new ConcurrentDictionary<int, (string? Thread, bool OnItsLoop, int ThreadId)>();
        Bounded.Run(() =>
        {
            using var group = Group(3);
            group.Start(async shard =>
            {
                await Coroutine.Yield();
                seen[shard.Index] = (Thread.CurrentThread.Name, EventLoop.Current == shard.Loop, Environment.CurrentManagedThreadId);
            });
            group.Wait();
        }, Limit);

        Assert.Equal([0, 1, 2], seen.Keys.Order());
        Assert.All(seen, s => Assert.Equal($"loop-{s.Key}", s.Value.Thread));
        Assert.All(seen, s => Assert.True(s.Value.OnItsLoop));
        Assert.Equal(3, seen.Values.Select(v => v.ThreadId).Distinct().Count());
    }

    [Fact]
    public void Start_OneEntryPerLoop_LoopIRunsEntryI()
    {
        var ran = new ConcurrentDictionary<int, string>();
        Bounded.Run(() =>
        {
            using var group = Group(2);
            group.Start([
                async shard => { await Coroutine.Yield(); ran[shard.Index] = "first"; },
                async shard => { await Coroutine.Yield(); ran[shard.Index] = "second"; },
            ]);
            group.Wait();
        }, Limit);

        Assert.Equal("first", ran[0]);
        Assert.Equal("second", ran[1]);
    }

    [Fact]
    public void Start_WrongNumberOfEntriesOrTwice_Throws()
    {
        using var group = Group(2);
        Assert.Throws<ArgumentException>(() => group.Start([async _ => await Coroutine.Yield()]));
        group.Start(async _ => await Coroutine.Yield());
        Assert.Throws<InvalidOperationException>(() => group.Start(async _ => await Coroutine.Yield()));
        group.Wait();
    }

    [Fact]
    public void Options_BadValues_ThrowWithTheOptionNamed()
    {
        var count = Assert.Throws<ArgumentOutOfRangeException>(() => new LoopGroup(new LoopGroupOptions { LoopCount = -1 }));
        Assert.Contains("LoopCount", count.Message, StringComparison.Ordinal);
        var threshold = Assert.Throws<ArgumentOutOfRangeException>(() => new LoopGroup(new LoopGroupOptions { StallThreshold = TimeSpan.Zero }));
        Assert.Contains("StallThreshold", threshold.Message, StringComparison.Ordinal);
        using var perCore = new LoopGroup();
        Assert.Equal(Environment.ProcessorCount, perCore.Count);
    }

    [Fact]
    public void UnderLoad_NoTaskEverStepsOnAnotherLoopOrThread()
    {
        // Every step of every task is checked by an instrument on its loop, while the loops flood each
        // other with cross-loop messages and calls and each runs many tasks of its own.
        var violations = new ConcurrentQueue<string>();
        var steps = 0L;
        Bounded.Run(() =>
        {
            using var group = Group(3);
            var channels = Enumerable.Range(0, 3).Select(_ => CrossLoopChannel.Create<int>(16)).ToArray();
            group.Start(async shard =>
            {
                shard.Loop.Instrument = new OwnLoopCheck(shard.Loop, Environment.CurrentManagedThreadId, violations, () => Interlocked.Increment(ref steps));
                var next = (shard.Index + 1) % 3;
                var tx = channels[next].Sender;
                var rx = channels[shard.Index].Receiver;

                async Coroutine Send()
                {
                    for (var i = 0; i < 2000; i++)
                    {
                        await tx.SendAsync(i);
                    }

                    tx.Close();
                }

                async Coroutine Receive()
                {
                    for (var expected = 0; ; expected++)
                    {
                        int item;
                        try
                        {
                            item = await rx.ReceiveAsync();
                        }
                        catch (EndOfChannelException)
                        {
                            return;
                        }

                        if (item != expected)
                        {
                            violations.Enqueue($"{shard.Name} received {item}, expected {expected}");
                        }
                    }
                }

                async Coroutine Call()
                {
                    for (var i = 0; i < 20; i++)
                    {
                        var there = await shard.Group.CallAsync(next, async () =>
                        {
                            await Coroutine.Yield();
                            return Environment.CurrentManagedThreadId;
                        });
                        if (there == Environment.CurrentManagedThreadId || EventLoop.Current != shard.Loop)
                        {
                            violations.Enqueue($"{shard.Name}: a call to loop {next} ran on the caller's thread, or came back elsewhere");
                        }
                    }
                }

                await TaskGroup.Run(async tasks =>
                {
                    tasks.Start(Send());
                    tasks.Start(Receive());
                    for (var t = 0; t < 50; t++)
                    {
                        tasks.Start(Call());
                    }

                    await Coroutine.Yield();
                });
            });
            group.Wait();
        }, TimeSpan.FromSeconds(60));

        Assert.Empty(violations);
        Assert.True(steps > 3 * 2000, $"only {steps} steps were checked");
    }

    [Fact]
    public void Shutdown_TasksWaitingOnEveryLoop_AreCanceledAndTheirFinallyBlocksRun()
    {
        var finallies = 0;
        Bounded.Run(() =>
        {
            var group = Group(2);
            var started = new CountdownEvent(4);
            group.Start(async shard =>
            {
                // One task in a task group and one left over beside the entry: both are canceled.
                _ = shard.Loop.CreateTask(SleepForever(started, () => Interlocked.Increment(ref finallies)));
                await SleepForever(started, () => Interlocked.Increment(ref finallies));
            });
            Assert.True(started.Wait(Limit));
            group.Shutdown(Limit);
            Assert.True(group.IsCompleted);
            Assert.Empty(group.Failures);
        }, Limit);

        Assert.Equal(4, finallies);
    }

    [Fact]
    public void Wait_StopGroupPolicyAndOneLoopThrows_OthersAreCanceledAndTheFailureNamesTheLoop()
    {
        var othersCanceled = 0;
        var error = Bounded.Run(() =>
        {
            using var group = Group(3);
            using var othersWaiting = new CountdownEvent(2);
            group.Start(async shard =>
            {
                if (shard.Index == 1)
                {
                    await Coroutine.FromTask(Task.Run(() => othersWaiting.Wait(Limit)));
                    throw new InvalidDataException("shard 1 is corrupt");
                }

                try
                {
                    othersWaiting.Signal();
                    await Coroutine.Sleep(TimeSpan.FromMinutes(5));
                }
                catch (CanceledException)
                {
                    Interlocked.Increment(ref othersCanceled);
                    throw;
                }
            });
            return Assert.Throws<LoopGroupException>(() => group.Wait());
        }, Limit);

        Assert.Equal(2, othersCanceled);
        var failure = Assert.Single(error.Failures);
        Assert.Equal("loop-1", failure.LoopName);
        Assert.Equal(1, failure.LoopIndex);
        Assert.IsType<InvalidDataException>(failure.Exception);
        Assert.Contains("loop-1 failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("shard 1 is corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shutdown_KeepOthersRunningAndOneLoopThrows_OthersGoOnAndShutdownDoesNotHang()
    {
        var ticksAfterFailure = 0;
        var error = Bounded.Run(() =>
        {
            var group = Group(2, LoopFailurePolicy.KeepOthersRunning);
            using var failed = new ManualResetEventSlim();
            group.Start(async shard =>
            {
                if (shard.Index == 0)
                {
                    await Coroutine.Yield();
                    failed.Set();
                    throw new InvalidOperationException("loop 0 gives up");
                }

                while (true)
                {
                    await Coroutine.Sleep(0.001);
                    if (failed.IsSet)
                    {
                        Interlocked.Increment(ref ticksAfterFailure);
                    }
                }
            });
            SpinWait.SpinUntil(() => Volatile.Read(ref ticksAfterFailure) >= 5, Limit);
            Assert.False(group.IsCompleted);
            return Assert.Throws<LoopGroupException>(() => group.Shutdown(Limit));
        }, Limit);

        Assert.True(ticksAfterFailure >= 5);
        Assert.Equal("loop-0", Assert.Single(error.Failures).LoopName);
    }

    [Fact]
    public void Shutdown_ALoopThatNeverAwaits_TimesOutNamingIt()
    {
        using var release = new ManualResetEventSlim();
        var error = Bounded.Run(() =>
        {
            var group = Group(2);
            using var spinning = new ManualResetEventSlim();
            group.Start(async shard =>
            {
                await Coroutine.Yield();
                if (shard.Index == 1)
                {
                    spinning.Set();
                    release.Wait(); // blocks its loop: no cancellation can reach it
                }

                await Coroutine.Sleep(TimeSpan.FromMinutes(5));
            });
            Assert.True(spinning.Wait(Limit));
            var error = Assert.Throws<TimeoutException>(() => group.Shutdown(TimeSpan.FromMilliseconds(200)));
            release.Set();
            Assert.True(group.Wait(Limit));
            return error;
        }, Limit);

        Assert.Contains("loop-1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("loop-0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShutdownAndWait_OnALoopOfTheGroup_ThrowInsteadOfWaitingForThemselves()
    {
        Exception? shutdown = null, wait = null;
        Bounded.Run(() =>
        {
            using var group = Group(1);
            group.Start(async _ =>
            {
                await Coroutine.Yield();
                shutdown = Record.Exception(() => group.Shutdown());
                wait = Record.Exception(() => group.Wait());
            });
            group.Wait();
        }, Limit);

        Assert.IsType<InvalidOperationException>(shutdown);
        Assert.IsType<InvalidOperationException>(wait);
    }

    [Fact]
    public void Wait_BeforeStart_Throws()
    {
        using var group = Group(1);
        Assert.Throws<InvalidOperationException>(() => group.Wait());
    }

    [Fact]
    public void CallAsync_OnAnotherLoop_RunsThereAndReturnsItsResult()
    {
        var (where, result) = Bounded.Run(() =>
        {
            var where = "";
            var result = 0;
            using var group = Group(2);
            group.Start([
                async shard =>
                {
                    result = await shard.Group.CallAsync(1, async () =>
                    {
                        await Coroutine.Yield();
                        where = Thread.CurrentThread.Name!;
                        return 42;
                    });
                },
                async _ => await Coroutine.Yield(),
            ]);
            group.Wait();
            return (where, result);
        }, Limit);

        Assert.Equal("loop-1", where);
        Assert.Equal(42, result);
    }

    [Fact]
    public void CallAsync_TargetThrows_TheCallerGetsTheSameException()
    {
        var thrown = new InvalidDataException("bad key");
        Exception? caught = null;
        Bounded.Run(() =>
        {
            using var group = Group(2);
            group.Start([
                async shard =>
                {
                    try
                    {
                        await shard.Group.CallAsync<int>(1, async () =>
                        {
                            await Coroutine.Yield();
                            throw thrown;
                        });
                    }
                    catch (InvalidDataException e)
                    {
                        caught = e;
                    }
                },
                async _ => await Coroutine.Yield(),
            ]);
            group.Wait();
        }, Limit);

        Assert.Same(thrown, caught);
    }

    [Fact]
    public void CallAsync_CallerCanceled_CancelsTheCallThereAndWaitsForItsFinally()
    {
        var log = new ConcurrentQueue<string>();
        Bounded.Run(() =>
        {
            using var group = Group(2);
            using var calleeStarted = new ManualResetEventSlim();
            group.Start([
                async shard =>
                {
                    var scope = new CancelScope();
                    await TaskGroup.Run(async tasks =>
                    {
                        tasks.Start(scope.RunAsync(async _ =>
                        {
                            await shard.Group.CallAsync(1, async () =>
                            {
                                calleeStarted.Set();
                                try
                                {
                                    await Coroutine.Sleep(TimeSpan.FromMinutes(5));
                                }
                                finally
                                {
                                    log.Enqueue("callee finally");
                                }
                            });
                        }));
                        await Coroutine.FromTask(Task.Run(() => calleeStarted.Wait(Limit)));
                        scope.Cancel();
                    });
                    log.Enqueue("caller done");
                },
                async _ => await Coroutine.Sleep(TimeSpan.FromMinutes(5)),
            ]);
            SpinWait.SpinUntil(() => log.Contains("caller done"), Limit);
            group.Shutdown(Limit);
        }, Limit);

        Assert.Equal(["callee finally", "caller done"], log);
    }

    [Fact]
    public void CallAsync_FromAThreadWithoutALoop_Throws()
    {
        using var group = Group(1);
        Assert.Throws<InvalidOperationException>(() => group.CallAsync(0, async () => { await Coroutine.Yield(); return 1; }));
        Assert.Throws<ArgumentOutOfRangeException>(() => group.CallAsync(1, async () => { await Coroutine.Yield(); return 1; }));
    }

    [Fact]
    public void StallWatchdog_AStepThatBlocks_IsReportedWithLoopTaskAndResumeLine()
    {
        var stalls = new ConcurrentQueue<LoopStall>();
        Bounded.Run(() =>
        {
            using var group = Group(2, stall: TimeSpan.FromMilliseconds(300), stalls: stalls.Enqueue);
            group.Start(async shard =>
            {
                if (shard.Index == 1)
                {
                    await shard.Loop.CreateTask(BlockingStep(), "blocker");
                }
            });
            group.Wait();
        }, Limit);

        // Only the blocking step, once (a first step's JIT on a loaded machine may add its own report).
        var stall = Assert.Single(stalls, s => s.TaskName == "blocker");
        Assert.Equal("loop-1", stall.LoopName);
        Assert.Equal(1, stall.LoopIndex);
        Assert.True(stall.Duration >= TimeSpan.FromMilliseconds(300));
        Assert.True(stall.Blocked, "Thread.Sleep blocks the loop's thread: reported as blocked, not computing");
        var resumed = Assert.IsType<CoroutineFrame>(stall.ResumedAt);
        Assert.EndsWith("." + nameof(BlockingStep), resumed.Method, StringComparison.Ordinal);
        Assert.Equal(nameof(LoopGroupTests) + ".cs", Path.GetFileName(resumed.File));
        Assert.Equal(BlockingStepResumeLine, resumed.Line); // the await it resumed from, not the method's start
        Assert.Contains($"loop-1 stalled: task {stall.TaskId} ('blocker')", stall.ToString(), StringComparison.Ordinal);
        Assert.Contains($"LoopGroupTests.cs:{BlockingStepResumeLine}", stall.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StallWatchdog_AStepThatComputes_IsReportedAsComputingOnItsOwnLoopOnly()
    {
        var stalls = new ConcurrentQueue<LoopStall>();
        Bounded.Run(() =>
        {
            using var group = Group(2, stall: TimeSpan.FromMilliseconds(300), stalls: stalls.Enqueue);
            group.Start(async shard =>
            {
                if (shard.Index == 0)
                {
                    await shard.Loop.CreateTask(ComputingStep(), "spinner");
                }
            });
            group.Wait();
        }, Limit);

        var stall = Assert.Single(stalls, s => s.TaskName == "spinner");
        Assert.Equal("loop-0", stall.LoopName);
        Assert.False(stall.Blocked);
        Assert.EndsWith("." + nameof(ComputingStep), stall.ResumedAt?.Method, StringComparison.Ordinal);
        Assert.DoesNotContain(stalls, s => s.LoopName == "loop-1" && s.TaskName == "spinner");
    }

    [Fact]
    public void StallWatchdog_AReporterThatThrows_DoesNotEndTheWatchdogOrTheGroup()
    {
        var reports = 0;
        Bounded.Run(() =>
        {
            using var group = Group(1, stall: TimeSpan.FromMilliseconds(200), stalls: _ =>
            {
                Interlocked.Increment(ref reports);
                throw new InvalidOperationException("a broken reporter");
            });
            group.Start(async shard =>
            {
                await shard.Loop.CreateTask(BlockingStep(), "first");
                await shard.Loop.CreateTask(BlockingStep(), "second");
            });
            group.Wait();
        }, Limit);

        Assert.True(Volatile.Read(ref reports) >= 2, "both stalls reported, the first report's exception notwithstanding");
    }

    [Fact]
    public void StallWatchdog_LoopsThatSleepOrStepBriefly_AreNeverReported()
    {
        var stalls = new ConcurrentQueue<LoopStall>();
        Bounded.Run(() =>
        {
            using var group = Group(2, stall: TimeSpan.FromSeconds(1), stalls: stalls.Enqueue);
            group.Start(async shard =>
            {
                await Coroutine.Sleep(1.5); // asleep in the loop's wait: not a stall
                for (var i = 0; i < 1000; i++)
                {
                    await Coroutine.Yield();
                }
            });
            group.Wait();
        }, Limit);

        Assert.Empty(stalls);
    }

    /// <summary>The line of the await <see cref="BlockingStep"/> resumes from before it blocks.</summary>
    private static int BlockingStepResumeLine { get; set; }

    private static int LineHere([CallerLineNumber] int line = 0) => line;

    private static async Coroutine BlockingStep()
    {
        BlockingStepResumeLine = LineHere() + 1;
        await Coroutine.Yield();
        Thread.Sleep(1200); // what the watchdog is for: a step that never awaits
    }

    private static async Coroutine ComputingStep()
    {
        await Coroutine.Yield();
        var until = Environment.TickCount64 + 1200;
        while (Environment.TickCount64 < until)
        {
            Thread.SpinWait(100); // a step that computes without awaiting
        }
    }

    private static async Coroutine SleepForever(CountdownEvent started, Action onFinally)
    {
        try
        {
            started.Signal();
            await Coroutine.Sleep(TimeSpan.FromMinutes(5));
        }
        finally
        {
            onFinally();
        }
    }

    /// <summary>Records every step of a task that is not this loop's, or not on this loop's thread.</summary>
    private sealed class OwnLoopCheck(EventLoop loop, int threadId, ConcurrentQueue<string> violations, Action counted) : LoopInstrument
    {
        public override void BeforeTaskStep(CoopTask task)
        {
            counted();
            if (task.Loop != loop || Environment.CurrentManagedThreadId != threadId || EventLoop.Current != loop)
            {
                violations.Enqueue($"task {task.Name} stepped on the wrong loop or thread");
            }
        }
    }
}
