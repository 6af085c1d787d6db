using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Core;

public class EventLoopTests
{
    private static void RunBriefly(EventLoop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }

    [Fact]
    public void CallSoon_SeveralCallbacks_RunInSchedulingOrder()
    {
        using var loop = new EventLoop();
        var order = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            loop.CallSoon(() => order.Add(n));
        }

        Bounded.Run(() => RunBriefly(loop));
        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public void CallSoon_ScheduledByACallback_RunsOnTheNextIteration()
    {
        using var loop = new EventLoop();
        var seen = new List<string>();
        loop.CallSoon(() =>
        {
            seen.Add("first");
            loop.CallSoon(() => seen.Add("scheduled by first"));
        });
        loop.CallSoon(() => seen.Add("second"));

        Bounded.Run(() =>
        {
            loop.Stop(); // stop before running: exactly one iteration, as in asyncio
            loop.RunForever();
        });

        Assert.Equal(["first", "second"], seen);
        Bounded.Run(() => RunBriefly(loop));
        Assert.Equal(["first", "second", "scheduled by first"], seen);
    }

    [Fact]
    public void RunOnce_TaskYieldingForever_DoesNotStarveTimersOrPosts()
    {
        using var loop = new EventLoop();
        var spins = 0;
        async Coroutine Spinner()
        {
            while (true)
            {
                spins++;
                await Coroutine.Yield();
            }
        }

        var spinner = loop.CreateTask(Spinner());
        var timer = loop.CreateFuture();
        var posted = loop.CreateFuture();
        loop.CallLater(0.01, () => timer.SetResult());
        new Thread(() => loop.CallSoonThreadsafe(() => posted.SetResult())).Start();
        Bounded.Run(() => loop.Run(until: () => timer.IsDone && posted.IsDone));
        Assert.True(spins > 0);
        spinner.Cancel();
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(spinner)));
    }

    [Fact]
    public void CallSoon_WithState_PassesState()
    {
        using var loop = new EventLoop();
        object? got = null;
        loop.CallSoon(s => got = s, "state");
        Bounded.Run(() => RunBriefly(loop));
        Assert.Equal("state", got);
    }

    [Fact]
    public void CallSoon_NullCallback_ThrowsArgumentNull()
    {
        using var loop = new EventLoop();
        Assert.Throws<ArgumentNullException>(() => loop.CallSoon(null!));
        Assert.Throws<ArgumentNullException>(() => loop.CallLater(1, null!));
        Assert.Throws<ArgumentNullException>(() => loop.CallAt(1, null!));
        Assert.Throws<ArgumentNullException>(() => loop.CallSoonThreadsafe(null!));
    }

    [Fact]
    public void CallLater_EqualDeadlines_RunInSchedulingOrder()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var order = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var n = i;
            loop.CallLater(1.0, () => order.Add(n));
        }

        clock.Advance(1.0);
        Bounded.Run(() => RunBriefly(loop));
        Assert.Equal(Enumerable.Range(0, 100), order);
    }

    [Fact]
    public void CallLater_RandomDelays_RunByDeadlineThenSchedulingOrder()
    {
        Gen.Int[0, 5].Array[0, 60].Sample(delays =>
        {
            var clock = new ManualClock();
            using var loop = new EventLoop(clock);
            var order = new List<int>();
            for (var i = 0; i < delays.Length; i++)
            {
                var n = i;
                loop.CallLater(delays[n], () => order.Add(n));
            }

            clock.Advance(10);
            RunBriefly(loop);
            var expected = Enumerable.Range(0, delays.Length).OrderBy(i => delays[i]).ThenBy(i => i);
            Assert.Equal(expected, order);
        });
    }

    [Fact]
    public void CallLater_NegativeDelay_CountsAsZero()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var order = new List<string>();
        loop.CallLater(0, () => order.Add("zero"));
        var handle = loop.CallLater(-5, () => order.Add("negative"));
        Assert.Equal(loop.Time(), handle.When, 6);
        Bounded.Run(() => RunBriefly(loop));
        Assert.Equal(["zero", "negative"], order);
    }

    [Theory]
    [InlineData(double.MaxValue)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e12)]
    [InlineData(9.3e12)] // about long.MaxValue microseconds
    public void CallLater_HugeDelay_NeitherOverflowsNorFiresEarly(double delay)
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var fired = false;
        var handle = loop.CallLater(delay, () => fired = true);
        Assert.True(handle.When > loop.Time(), "the deadline must stay in the future");
        clock.Advance(1e6); // eleven days later
        Bounded.Run(() => RunBriefly(loop));
        Assert.False(fired);
    }

    [Fact]
    public void CallAt_FarPast_FiresAtOnce()
    {
        using var loop = new EventLoop();
        var fired = false;
        loop.CallAt(-1e300, () => fired = true);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.True(fired);
    }

    [Fact]
    public void CallLater_NaN_ThrowsArgumentException()
    {
        using var loop = new EventLoop();
        Assert.Throws<ArgumentException>(() => loop.CallLater(double.NaN, () => { }));
        Assert.Throws<ArgumentException>(() => loop.CallAt(double.NaN, () => { }));
    }

    [Fact]
    public void CallAt_LoopTime_FiresWhenTheClockGetsThere()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var fired = new List<double>();
        loop.CallAt(loop.Time() + 2, () => fired.Add(loop.Time()));
        clock.Advance(1);
        Bounded.Run(() => RunBriefly(loop));
        Assert.Empty(fired);
        clock.Advance(1);
        Bounded.Run(() => RunBriefly(loop));
        Assert.Single(fired);
    }

    [Fact]
    public void Time_ComesFromTheTimeProvider()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var before = loop.Time();
        clock.Advance(42.5);
        Assert.Equal(42.5, loop.Time() - before, 6);
        Assert.Same(clock, loop.TimeProvider);
    }

    [Fact]
    public void Handle_Canceled_CallbackNeverRuns()
    {
        using var loop = new EventLoop();
        var ran = new List<string>();
        var soon = loop.CallSoon(() => ran.Add("soon"));
        var later = loop.CallLater(0, () => ran.Add("later"));
        soon.Cancel();
        later.Cancel();
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Empty(ran);
        Assert.True(soon.IsCanceled && later.IsCanceled);
    }

    [Fact]
    public void Callback_Throws_LoopGoesOnAndHandlerGetsTheError()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var after = false;
        loop.CallSoon(() => throw new InvalidOperationException("boom"));
        loop.CallSoon(() => after = true);
        Bounded.Run(() => RunBriefly(loop));
        Assert.True(after);
        var error = Assert.Single(errors);
        Assert.Equal("boom", error.Exception!.Message);
        Assert.NotNull(error.Callback);
        Assert.Null(error.Task);
    }

    [Fact]
    public void ExceptionHandler_Throws_LoopGoesOnAndBothErrorsReachTheLogger()
    {
        var logger = new ListLogger();
        using var loop = new EventLoop(logger: logger);
        loop.ExceptionHandler = (_, _) => throw new InvalidOperationException("handler broke");
        var after = false;
        loop.CallSoon(() => throw new InvalidOperationException("boom"));
        loop.CallSoon(() => after = true);
        Bounded.Run(() => RunBriefly(loop));
        Assert.True(after);
        Assert.Contains(logger.Entries, e => e.Exception?.Message == "boom");
        Assert.Contains(logger.Entries, e => e.Exception?.Message == "handler broke");
    }

    [Fact]
    public void Logger_NoHandlerSet_ReceivesCallbackErrorsAtErrorLevel()
    {
        var logger = new ListLogger();
        using var loop = new EventLoop(logger: logger);
        loop.CallSoon(() => throw new FormatException("bad"));
        Bounded.Run(() => RunBriefly(loop));
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, entry.Level);
        Assert.IsType<FormatException>(entry.Exception);
        Assert.Contains("Exception in callback", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logger_CallbackThrows_NamedByItsDeclaringMethodAndSourceLine()
    {
        var logger = new ListLogger();
        using var loop = new EventLoop(logger: logger);
        loop.CallSoon(() => throw new FormatException("bad"));
        Bounded.Run(() => RunBriefly(loop));
        var entry = Assert.Single(logger.Entries);
        Assert.Matches(@"Exception in callback lambda in EventLoopTests\.Logger_CallbackThrows_NamedByItsDeclaringMethodAndSourceLine \(EventLoopTests\.cs:\d+\)", entry.Message);
        Assert.DoesNotContain("b__", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExceptionHandler_Null_RestoresTheDefault()
    {
        var logger = new ListLogger();
        using var loop = new EventLoop(logger: logger);
        Errors.Capture(loop);
        Assert.NotNull(loop.ExceptionHandler);
        loop.ExceptionHandler = null;
        Assert.Null(loop.ExceptionHandler);
        loop.CallExceptionHandler(new LoopError("by hand", null, null, null));
        Assert.Equal("by hand", Assert.Single(logger.Entries).Message);
    }

    [Fact]
    public void IsRunning_TrueOnlyWhileRunning()
    {
        using var loop = new EventLoop();
        var inside = false;
        loop.CallSoon(() => inside = loop.IsRunning && EventLoop.TryGetCurrent(out var current) && current == loop && EventLoop.Current == loop);
        Assert.False(loop.IsRunning);
        Bounded.Run(() => RunBriefly(loop));
        Assert.True(inside);
        Assert.False(loop.IsRunning);
        Assert.False(EventLoop.TryGetCurrent(out var after));
        Assert.Null(after);
        Assert.Throws<InvalidOperationException>(() => EventLoop.Current);
    }

    [Fact]
    public void RunningLoop_NoLoop_ThrowsClearError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => EventLoop.Current);
        Assert.Contains("No event loop is running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunForever_InsideItself_ThrowsAlreadyRunning()
    {
        using var loop = new EventLoop();
        Exception? error = null;
        loop.CallSoon(() => error = Record.Exception(loop.RunForever));
        Bounded.Run(() => RunBriefly(loop));
        Assert.Contains("already running", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AnotherLoopInsideARunningLoop_Throws()
    {
        using var loop = new EventLoop();
        using var other = new EventLoop();
        Exception? nested = null;
        Exception? runMain = null;
        loop.CallSoon(() =>
        {
            nested = Record.Exception(other.RunForever);
            runMain = Record.Exception(() => EventLoop.Run(Noop()));
        });
        Bounded.Run(() => RunBriefly(loop));
        Assert.IsType<InvalidOperationException>(nested);
        Assert.IsType<InvalidOperationException>(runMain);

        static async Coroutine Noop() => await Coroutine.Yield();
    }

    // A refused run must leave nothing behind: before the check came first, the task was made, then
    // the run refused, and the coroutine ran later anyway (its effect twice) or sat pending forever.
    [Theory]
    [InlineData("async")]
    [InlineData("async of T")]
    [InlineData("generator")]
    public void RunUntilComplete_InsideItsOwnRun_RefusedAndTheCoroutineNeverRuns(string kind)
    {
        using var loop = new EventLoop(new VirtualClock());
        var runs = 0;
        Exception? refused = null;
        loop.CallSoon(() => refused = Record.Exception(() => RunUntilComplete(loop, kind, () => runs++)));
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(1)));
        Assert.Contains("already running", Assert.IsType<InvalidOperationException>(refused).Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        Assert.Empty(loop.AllTasks());
    }

    [Theory]
    [InlineData("async")]
    [InlineData("async of T")]
    [InlineData("generator")]
    public void RunUntilComplete_AnotherLoopRunsOnThisThread_RefusedAndNothingIsLeftPending(string kind)
    {
        using var loop = new EventLoop(new VirtualClock());
        var other = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(other);
        var runs = 0;
        Exception? refused = null;
        loop.CallSoon(() => refused = Record.Exception(() => RunUntilComplete(other, kind, () => runs++)));
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(1)));
        Assert.Contains("another loop is running", Assert.IsType<InvalidOperationException>(refused).Message, StringComparison.Ordinal);
        Assert.Empty(other.AllTasks());
        Bounded.Run(() => other.RunUntilComplete(other.Sleep(1)));
        other.Close();
        Assert.Equal(0, runs);
        Assert.Empty(errors);
    }

    [Fact]
    public void RunUntilComplete_ClosedLoop_RefusedBeforeMakingATask()
    {
        var loop = new EventLoop();
        loop.Close();
        var runs = 0;
        Assert.Throws<InvalidOperationException>(() => RunUntilComplete(loop, "async", () => runs++));
        Assert.Throws<InvalidOperationException>(() => RunUntilComplete(loop, "generator", () => runs++));
        Assert.Equal(0, runs);
    }

    private static void RunUntilComplete(EventLoop loop, string kind, Action effect)
    {
        switch (kind)
        {
            case "async":
                loop.RunUntilComplete(Effect());
                break;
            case "async of T":
                loop.RunUntilComplete(EffectOfT());
                break;
            default:
                loop.RunUntilComplete(GeneratorEffect());
                break;
        }

        async Coroutine Effect()
        {
            effect();
            await Coroutine.Yield();
        }

        async Coroutine<int> EffectOfT()
        {
            effect();
            await Coroutine.Yield();
            return 1;
        }

        IEnumerable<object?> GeneratorEffect()
        {
            effect();
            yield return null;
        }
    }

    [Fact]
    public void RunUntilComplete_FutureOfAnotherLoop_ThrowsArgumentException()
    {
        using var loop = new EventLoop();
        using var other = new EventLoop();
        Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(other.CreateFuture()));
    }

    [Fact]
    public void RunUntilComplete_StoppedFirst_ThrowsAndFutureStaysPending()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        loop.CallSoon(loop.Stop);
        var ex = Bounded.Run(() => Record.Exception(() => loop.RunUntilComplete(future)));
        Assert.IsType<InvalidOperationException>(ex);
        Assert.False(future.IsDone);
    }

    [Fact]
    public void RunUntilComplete_TypedFuture_ReturnsItsResult()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<string>();
        loop.CallLater(0, () => future.SetResult("done"));
        Assert.Equal("done", Bounded.Run(() => loop.RunUntilComplete(future)));
    }

    [Fact]
    public void Close_Running_Throws()
    {
        using var loop = new EventLoop();
        Exception? error = null;
        loop.CallSoon(() => error = Record.Exception(loop.Close));
        Bounded.Run(() => RunBriefly(loop));
        Assert.IsType<InvalidOperationException>(error);
        Assert.False(loop.IsClosed);
    }

    [Fact]
    public void Close_Twice_DoesNothingMore()
    {
        var loop = new EventLoop();
        loop.Close();
        loop.Close();
        loop.Dispose();
        Assert.True(loop.IsClosed);
    }

    [Fact]
    public void ClosedLoop_EveryWayToScheduleWork_ThrowsClearError()
    {
        var loop = new EventLoop();
        loop.Close();
        var attempts = new Action[]
        {
            () => loop.CallSoon(() => { }),
            () => loop.CallLater(1, () => { }),
            () => loop.CallAt(1, () => { }),
            () => loop.CallSoonThreadsafe(() => { }),
            () => loop.CreateFuture(),
            () => loop.CreateFuture<int>(),
            () => loop.Sleep(1),
            () => loop.CreateTask(Noop()),
            () => loop.CreateTask(NoopGenerator()),
            loop.RunForever,
        };
        foreach (var attempt in attempts)
        {
            var ex = Assert.Throws<InvalidOperationException>(attempt);
            Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
        }

        static async Coroutine Noop() => await Coroutine.Yield();

        static IEnumerable<object?> NoopGenerator()
        {
            yield return null;
        }
    }

    [Fact]
    public void PostedCallback_ThatThrows_IsReportedWithTheDelegateThatWasPosted()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        Action failing = () => throw new FormatException("posted and failed");
        var poster = new Thread(() => loop.CallSoonThreadsafe(failing));
        poster.Start();
        poster.Join();
        loop.CallSoonThreadsafe(loop.Stop); // after the failing one: the loop goes on past the error
        Bounded.Run(loop.RunForever);
        var error = Assert.Single(errors);
        Assert.Same(failing, error.Callback);
        Assert.IsType<FormatException>(error.Exception);
        Assert.Contains("lambda in EventLoopTests.PostedCallback_ThatThrows_IsReportedWithTheDelegateThatWasPosted (EventLoopTests.cs:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Close_PostedCallbacksNeverRun_EachIsReported()
    {
        var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        Action first = () => { };
        Action second = () => { };
        loop.CallSoonThreadsafe(first);
        loop.CallSoonThreadsafe(second);
        loop.Close();
        Assert.Equal(2, errors.Count);
        Assert.Same(first, errors[0].Callback);
        Assert.Same(second, errors[1].Callback);
        Assert.All(errors, e => Assert.Contains("never ran", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Close_PostedCallbacksDrainedButNotRun_AreReportedNotDropped()
    {
        var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var ran = false;
        // An internal fault stops the loop mid-iteration, after the inbox was drained into the
        // ready queue: the posted callbacks behind it never run, and Close must say so.
        loop.CallSoon(() => throw new LoopInternalException("stop here"));
        Action posted = () => ran = true;
        loop.CallSoonThreadsafe(posted);
        Bounded.Run(() => Assert.Throws<LoopInternalException>(loop.RunForever));
        loop.Close();
        Assert.False(ran);
        Assert.Same(posted, Assert.Single(errors).Callback);
    }

    [Fact]
    public void Close_PendingUnobservedTaskError_IsStillReported()
    {
        var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(Fail());
        Bounded.Run(() =>
        {
            // Stop right after the task's step: its unobserved-error report is still queued.
            loop.Stop();
            loop.RunForever();
        });
        Assert.True(task.IsDone);
        loop.Close();
        Assert.IsType<FormatException>(Assert.Single(errors).Exception);

        static async Coroutine Fail()
        {
            await Task.CompletedTask;
            throw new FormatException("lost?");
        }
    }

    [Fact]
    public void CallSoonThreadsafe_WaitingLoop_WakesAtOnce()
    {
        using var loop = new EventLoop();
        var thread = Environment.CurrentManagedThreadId;
        Bounded.Run(() =>
        {
            var poster = new Thread(() =>
            {
                SpinUntil(() => loop.IsSleeping);
                loop.CallSoonThreadsafe(loop.Stop);
            });
            poster.Start();
            loop.RunForever(); // nothing scheduled: waits forever unless the post wakes it
            poster.Join();
        });
        Assert.True(loop.Iterations <= 3, $"{loop.Iterations} iterations");
    }

    [Fact]
    public void IdleLoop_FarTimer_SleepsInsteadOfSpinning()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var fired = false;
        loop.CallLater(10, () =>
        {
            fired = true;
            loop.Stop();
        });
        long iterationsWhileAsleep = -1;
        Bounded.Run(() =>
        {
            var waker = new Thread(() =>
            {
                SpinUntil(() => loop.IsSleeping);
                iterationsWhileAsleep = loop.Iterations;
                clock.Advance(10);
                loop.CallSoonThreadsafe(() => { });
            });
            waker.Start();
            loop.RunForever();
            waker.Join();
        });
        Assert.True(fired);
        Assert.InRange(iterationsWhileAsleep, 1, 2);
        Assert.True(loop.Iterations <= 4, $"{loop.Iterations} iterations for one timer");
    }

    [Fact]
    public void IdleLoop_TaskSleepsOnRealClock_RunsAFewIterationsOnly()
    {
        async Coroutine<long> Main()
        {
            await Coroutine.Sleep(0.2);
            return EventLoop.Current.Iterations;
        }

        var iterations = Bounded.Run(() => EventLoop.Run(Main()));
        // A busy-wait would run hundreds of thousands of iterations in 0.2 s; a timer wait runs a
        // handful (an OS wait may return a little early once or twice).
        Assert.True(iterations < 20, $"{iterations} iterations");
    }

    [Fact]
    public void CallSoonThreadsafe_EightThreadsUnderLoad_EveryCallbackRunsExactlyOnce()
    {
        const int Threads = 8;
        const int PerThread = 5_000;
        using var loop = new EventLoop();
        var counts = new int[Threads * PerThread];
        var lastSeen = Enumerable.Range(0, Threads).Select(t => (t * PerThread) - 1).ToArray();
        var outOfOrder = 0;
        var loopThread = 0;
        var offThread = 0;
        var finished = 0;
        Bounded.Run(() =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            using var start = new Barrier(Threads);
            var posters = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    var id = (t * PerThread) + i;
                    loop.CallSoonThreadsafe(() =>
                    {
                        counts[id]++; // on the loop thread only: no race
                        outOfOrder += id == lastSeen[t] + 1 ? 0 : 1; // each thread's posts run in order
                        lastSeen[t] = id;
                        if (Environment.CurrentManagedThreadId != loopThread)
                        {
                            offThread++;
                        }
                    });
                }

                if (Interlocked.Increment(ref finished) == Threads)
                {
                    loop.CallSoonThreadsafe(loop.Stop); // posted after every other post of every thread
                }
            })).ToList();
            posters.ForEach(p => p.Start());
            loop.RunForever();
            posters.ForEach(p => p.Join());
        });
        Assert.Equal(0, offThread);
        Assert.Equal(0, outOfOrder);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void ForeignThread_LoopApisWhileRunning_ThrowClearErrors()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        var handle = loop.CallLater(100, () => { });
        var results = new List<Exception?>();
        async Coroutine Main()
        {
            var task = EventLoop.Current.CreateTask(Sleeper());
            await Task.Run(() =>
            {
                var attempts = new Action[]
                {
                    () => loop.CallSoon(() => { }),
                    () => loop.CallLater(1, () => { }),
                    () => loop.CallAt(1, () => { }),
                    () => loop.CreateFuture(),
                    () => loop.Sleep(1),
                    () => loop.CreateTask(Sleeper()),
                    loop.Stop,
                    () => future.SetResult(1),
                    () => future.Cancel(),
                    () => future.AddDoneCallback(_ => { }),
                    () => task.Cancel(),
                    handle.Cancel,
                };
                results.AddRange(attempts.Select(Record.Exception));
            });
            task.Cancel();
            handle.Cancel();
        }

        Bounded.Run(() => loop.RunUntilComplete(Main()));
        Assert.Equal(12, results.Count);
        Assert.All(results, ex =>
        {
            Assert.IsType<InvalidOperationException>(ex);
            Assert.Contains("CallSoonThreadsafe", ex.Message, StringComparison.Ordinal);
            Assert.Contains("was called from thread", ex.Message, StringComparison.Ordinal);
        });
        Assert.False(future.IsDone);

        static async Coroutine Sleeper() => await Coroutine.Sleep(100);
    }

    [Fact]
    public void AllTasks_ListsUnfinishedTasksInCreationOrder()
    {
        using var loop = new EventLoop();
        var a = loop.CreateTask(Sleep(), "a");
        var b = loop.CreateTask(Sleep(), "b");
        var quick = loop.CreateTask(Quick(), "quick");
        Assert.Equal(new[] { a, b, quick }, loop.AllTasks());
        Bounded.Run(() => loop.RunUntilComplete(quick));
        Assert.Equal(new[] { a, b }, loop.AllTasks());
        a.Cancel();
        b.Cancel();
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(b)));
        Assert.Empty(loop.AllTasks());

        static async Coroutine Sleep() => await Coroutine.Sleep(100);

        static async Coroutine Quick() => await Coroutine.Yield();
    }

    internal static void SpinUntil(Func<bool> condition)
    {
        var spin = new SpinWait();
        while (!condition())
        {
            spin.SpinOnce();
        }
    }
}
