using Coop.Tests.Properties.Model;
using System.Runtime.CompilerServices;
using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

public class CoopTaskTests
{
    private static async Coroutine SleepLong() => await Coroutine.Sleep(1000);

    private static async Coroutine<int> Value(int value)
    {
        await Coroutine.Yield();
        return value;
    }

    [Fact]
    public void TypedTask_ResultReadEveryWay_IsTheCoroutinesValue()
    {
        var (typed, boxed, awaited, untyped) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var task = loop.CreateTask(Value(41));
            CoopTask untypedView = loop.CreateTask((Coroutine)Value(7)); // a Coroutine<int> run as a plain task
            var awaitedValue = 0;
            async Coroutine Awaiter() => awaitedValue = await task + 1;
            loop.CreateTask(Awaiter());
            JumpClock.RunUntilIdle(loop);
            return (task.Result, task.ResultObject, awaitedValue, untypedView.ResultObject);
        });

        Assert.Equal(41, typed);
        Assert.Equal(41, boxed);
        Assert.Equal(42, awaited);
        Assert.Equal(7, untyped);
    }

    [Fact]
    public void TypedTask_CanceledAfterItsCoroutineReturned_ResultThrowsCanceled()
    {
        static async Coroutine<int> CancelsItselfThenReturns()
        {
            CoopTask.Current!.Cancel("late");
            await Task.CompletedTask; // completes at once: no await point of Coop's raises
            return 5;
        }

        var task = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var t = loop.CreateTask(CancelsItselfThenReturns());
            JumpClock.RunUntilIdle(loop);
            return t;
        });

        Assert.True(task.IsCanceled);
        Assert.Throws<CanceledException>(() => task.Result);
        Assert.Throws<CanceledException>(() => task.ResultObject);
    }

    [Fact]
    public void CreateTask_IdsCountUpAndNamesDefaultToTaskId()
    {
        using var loop = new EventLoop();
        var a = loop.CreateTask(SleepLong());
        var b = loop.CreateTask(SleepLong(), "named");
        Assert.True(b.Id > a.Id);
        Assert.Equal($"Task-{a.Id}", a.Name);
        Assert.Equal("named", b.Name);
        a.Name = "renamed";
        Assert.Equal("renamed", a.Name);
        Assert.Contains("'renamed'", a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Status_FollowsTheTaskThroughItsLife()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        var seen = new List<CoopTaskStatus>();
        CoopTask? task = null;
        async Coroutine Body()
        {
            seen.Add(task!.Status);
            await future;
            seen.Add(task.Status);
        }

        task = loop.CreateTask(Body());
        Assert.Equal(CoopTaskStatus.Ready, task.Status);
        loop.CallSoon(() =>
        {
            seen.Add(task.Status); // after the first step: parked
            future.SetResultObject(null);
        });
        Bounded.Run(() => loop.RunUntilComplete(task));
        Assert.Equal([CoopTaskStatus.Running, CoopTaskStatus.Waiting, CoopTaskStatus.Running], seen);
        Assert.Equal(CoopTaskStatus.Done, task.Status);
        Assert.Equal(FutureState.Succeeded, task.State);
    }

    [Fact]
    public void CurrentTask_InsideAStep_IsThatTaskAndNullOutside()
    {
        using var loop = new EventLoop();
        CoopTask? inside = null;
        async Coroutine Body()
        {
            await Coroutine.Yield();
            inside = CoopTask.Current;
        }

        var task = loop.CreateTask(Body());
        Bounded.Run(() => loop.RunUntilComplete(task));
        Assert.Same(task, inside);
        Assert.Null(CoopTask.Current);
    }

    [Fact]
    public void Result_TypedTask_IsTheCoroutinesResult()
    {
        using var loop = new EventLoop();
        var task = loop.CreateTask(Value(42));
        Assert.Throws<InvalidOperationException>(() => task.Result);
        Assert.Equal(42, Bounded.Run(() => loop.RunUntilComplete(Value(0)) + task.Result));
    }

    [Fact]
    public void SetResult_OnATask_ThrowsBecauseOnlyItsCoroutineCompletesIt()
    {
        using var loop = new EventLoop();
        var task = loop.CreateTask(SleepLong());
        Assert.Throws<InvalidOperationException>(() => task.SetResultObject(1));
        Assert.Throws<InvalidOperationException>(() => task.SetException(new FormatException()));
    }

    [Fact]
    public void Await_TaskFromAnotherCoroutine_GetsItsResult()
    {
        async Coroutine<int> Main()
        {
            var task = EventLoop.Current.CreateTask(Value(20));
            return await task + await task; // a task can be awaited any number of times
        }

        Assert.Equal(40, Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Cancel_WithMessage_RaisedAtTheAwaitPointWithThatMessage()
    {
        string? seen = null;
        async Coroutine Sleeper()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException ex)
            {
                seen = ex.Message;
                throw;
            }
        }

        async Coroutine<string> Main()
        {
            var task = EventLoop.Current.CreateTask(Sleeper());
            await Coroutine.Yield();
            Assert.True(task.Cancel("shutting down"));
            var ex = await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(task));
            Assert.True(task.IsCanceled);
            return ex.Message;
        }

        Assert.Equal("shutting down", Bounded.Run(() => EventLoop.Run(Main())));
        Assert.Equal("shutting down", seen);
    }

    // Runs a Coop await from BCL async code inside a coroutine (the loop is the SynchronizationContext).
    private static async Task Wrap(CoopTask task) => await task;

    [Fact]
    public void Cancel_DoneTask_ReturnsFalseAndChangesNothing()
    {
        using var loop = new EventLoop();
        var task = loop.CreateTask(Value(1));
        Bounded.Run(() => loop.RunUntilComplete(task));
        Assert.False(task.Cancel());
        Assert.Equal(FutureState.Succeeded, task.State);
        Assert.Equal(1, task.Result);
    }

    [Fact]
    public void Cancel_BeforeFirstStep_BodyNeverRuns()
    {
        using var loop = new EventLoop();
        var ran = false;
        async Coroutine Body()
        {
            ran = true;
            await Coroutine.Yield();
        }

        var task = loop.CreateTask(Body());
        task.Cancel();
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.False(ran);
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public void Cancel_CaughtAndSwallowed_TaskGoesOnAndSucceeds()
    {
        async Coroutine<string> Stubborn()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
            }

            await Coroutine.Yield(); // the cancellation was delivered once: this does not throw
            return "survived";
        }

        async Coroutine<string> Main()
        {
            var task = EventLoop.Current.CreateTask(Stubborn());
            await Coroutine.Yield();
            task.Cancel();
            return await task;
        }

        Assert.Equal("survived", Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Cancel_RequestedButCoroutineEndsWithoutAwaiting_TaskEndsCanceled()
    {
        using var loop = new EventLoop();
        async Coroutine<int> CancelsItself()
        {
            await Coroutine.Yield();
            CoopTask.Current!.Cancel("self");
            return 1; // asyncio: a cancel requested right before the coroutine stops wins
        }

        var task = loop.CreateTask(CancelsItself());
        var ex = Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.Equal("self", ex.Message);
    }

    [Fact]
    public void Cancel_WhileFinallyAwaits_FinallyCompletesItsAwaitAfterOneCancel()
    {
        var log = new List<string>();
        async Coroutine Worker()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            finally
            {
                log.Add("finally started");
                await Coroutine.Sleep(0.001); // the one cancellation was delivered already: this waits normally
                log.Add("finally ended");
            }
        }

        async Coroutine Main()
        {
            var task = EventLoop.Current.CreateTask(Worker());
            await Coroutine.Yield();
            task.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(task));
        }

        Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(["finally started", "finally ended"], log);
    }

    [Fact]
    public void Cancel_ArrivingWhileTaskIsInAFinallyAwait_RaisedThereAndFinallyIsCutShort()
    {
        var log = new List<string>();
        async Coroutine Worker()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            finally
            {
                log.Add("finally started");
                await CleanUp();
            }
        }

        async Coroutine CleanUp()
        {
            try
            {
                await Coroutine.Sleep(1000);
                log.Add("finally ended");
            }
            catch (CanceledException ex)
            {
                log.Add("second cancel: " + ex.Message);
                throw;
            }
        }

        async Coroutine<CoopTask> Main()
        {
            var task = EventLoop.Current.CreateTask(Worker());
            await Coroutine.Yield();
            task.Cancel("first");
            await Coroutine.Yield(); // the task runs its finally and parks on the second sleep
            await Coroutine.Yield();
            Assert.Equal(CoopTaskStatus.Waiting, task.Status);
            task.Cancel("second");
            await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(task));
            return task;
        }

        var ended = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(["finally started", "second cancel: second"], log);
        Assert.True(ended.IsCanceled);
    }

    [Fact]
    public void Cancel_TaskAwaitingAnotherTask_DoesNotCancelTheOther()
    {
        async Coroutine<string> Main()
        {
            var loop = EventLoop.Current;
            var inner = loop.CreateTask(Value(5));
            var outer = loop.CreateTask(AwaitIt(inner));
            await Coroutine.Yield();
            outer.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(outer));
            return $"{inner.Result} {outer.State}";
        }

        static async Coroutine AwaitIt(CoopTask<int> t) => await t;

        Assert.Equal("5 Canceled", Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void CancellationToken_CanceledWhenTheTaskIsCanceled()
    {
        using var loop = new EventLoop();
        var task = loop.CreateTask(SleepLong());
        var token = task.CancellationToken;
        Assert.False(token.IsCancellationRequested);
        var observed = false;
        token.Register(() => observed = true);
        task.Cancel();
        Assert.True(token.IsCancellationRequested);
        Assert.True(observed);
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.True(task.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public void CancellationToken_CallbackThrows_CancelCompletesAndTheErrorIsReported()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(SleepLong());
        task.CancellationToken.Register(() => throw new FormatException("bad callback"));
        Assert.True(task.Cancel());
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        var error = Assert.Single(errors);
        Assert.Same(task, error.Task);
        Assert.IsType<FormatException>(Assert.IsType<AggregateException>(error.Exception).InnerException);
    }

    [Fact]
    public void CancellationToken_PassedToABclTask_CancelsTheTaskPromptly()
    {
        async Coroutine Body()
        {
            // Without the token, the cancellation would wait for the BCL Task to end.
            await Task.Delay(Timeout.Infinite, CoopTask.Current!.CancellationToken);
        }

        async Coroutine<CoopTask> Main()
        {
            var task = EventLoop.Current.CreateTask(Body());
            await Coroutine.Yield();
            task.Cancel("stop waiting");
            var ex = await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(task));
            Assert.Equal("stop waiting", ex.Message);
            return task;
        }

        var ended = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(ended.IsCanceled);
        Assert.IsType<TaskCanceledException>(ended.Exception!.InnerException);
    }

    [Fact]
    public void Cancel_WhileAwaitingABclTaskWithoutToken_DeliveredAtTheNextCoopAwait()
    {
        var log = new List<string>();
        using var gate = new SemaphoreSlim(0);
        async Coroutine Body()
        {
            await gate.WaitAsync(); // a BCL wait the loop cannot interrupt
            log.Add("after the BCL await");
            await Coroutine.Yield(); // the pending cancellation is raised here
            log.Add("not reached");
        }

        async Coroutine<CoopTask> Main()
        {
            var task = EventLoop.Current.CreateTask(Body());
            await Coroutine.Yield();
            Assert.True(task.Cancel());
            Assert.Equal(CoopTaskStatus.Waiting, task.Status);
            gate.Release();
            await Assert.ThrowsAsync<CanceledException>(async () => await Wrap(task));
            return task;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())).IsCanceled);
        Assert.Equal(["after the BCL await"], log);
    }

    [Fact]
    public void CreateTask_ExternalTokenCanceledFromAnotherThread_CancelsTheTask()
    {
        using var cts = new CancellationTokenSource();
        using var loop = new EventLoop();
        var sawCancel = false;
        async Coroutine Body()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                sawCancel = true;
                throw;
            }
        }

        var task = loop.CreateTask(Body(), cancellationToken: cts.Token);
        var canceller = new Thread(() =>
        {
            Core.EventLoopTests.SpinUntil(() => task.Status == CoopTaskStatus.Waiting && loop.IsSleeping);
            cts.Cancel();
        });
        canceller.Start();
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        canceller.Join();
        Assert.True(sawCancel);
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public void CreateTask_TokenAlreadyCanceled_TaskEndsCanceledWithoutRunning()
    {
        using var loop = new EventLoop();
        var ran = false;
        async Coroutine Body()
        {
            ran = true;
            await Coroutine.Yield();
        }

        var task = loop.CreateTask(Body(), cancellationToken: new CancellationToken(canceled: true));
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.False(ran);
    }

    [Fact]
    public void UnobservedFailure_ReportedOnceWithTheTask()
    {
        var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(Fail("nobody listens"));
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0.01)));
        Assert.Empty(errors); // the program may still read it
        loop.Close();
        loop.Close(); // and no second report
        var error = Assert.Single(errors);
        Assert.Same(task, error.Task);
        Assert.Equal("nobody listens", error.Exception!.Message);
        Assert.Contains("never retrieved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnobservedFailure_GoesToTheLoggerByDefault()
    {
        var logger = new ListLogger();
        var loop = new EventLoop(logger: logger);
        var task = loop.CreateTask(Fail("to the log"));
        Bounded.Run(() => loop.Run(until: () => task.IsDone));
        loop.Close();
        Assert.Equal("to the log", Assert.Single(logger.Entries).Exception!.Message);
    }

    [Fact]
    public void ObservedFailure_AwaitedOrReadInADoneCallback_NotReported()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        async Coroutine Main()
        {
            var awaited = EventLoop.Current.CreateTask(Fail("awaited"));
            var read = EventLoop.Current.CreateTask(Fail("read"));
            read.AddDoneCallback(f => _ = f.Exception);
            await Assert.ThrowsAsync<FormatException>(async () => await Wrap(awaited));
            await Coroutine.Sleep(0.01);
        }

        Bounded.Run(() => loop.RunUntilComplete(Main()));
        loop.Close();
        Assert.Empty(errors);
    }

    [Fact]
    public void CanceledTask_NobodyAwaits_NotReported()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(SleepLong());
        task.Cancel();
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0.01)));
        loop.Close();
        Assert.True(task.IsCanceled);
        Assert.Empty(errors);
    }

    private static async Coroutine Fail(string message)
    {
        await Coroutine.Yield();
        throw new FormatException(message);
    }

    [Fact]
    public void FireAndForget_NoReferenceKept_NotCollectedMidFlight()
    {
        using var loop = new EventLoop();
        var finished = new StrongBox<bool>();
        var weak = StartForgotten(loop, finished);
        async Coroutine Main()
        {
            await Coroutine.Yield();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.True(weak.IsAlive, "the loop must hold a live task strongly (cpython#117379)");
            await Coroutine.Sleep(0.02);
        }

        Bounded.Run(() => loop.RunUntilComplete(Main()));
        Assert.True(finished.Value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference StartForgotten(EventLoop loop, StrongBox<bool> finished)
    {
        return new WeakReference(loop.CreateTask(Body()));

        async Coroutine Body()
        {
            await Coroutine.Sleep(0.01);
            finished.Value = true;
        }
    }

    [Fact]
    public void Await_ItsOwnTask_FailsWithClearError()
    {
        using var loop = new EventLoop();
        CoopTask? self = null;
        async Coroutine Body()
        {
            await Coroutine.Yield();
            await self!;
        }

        self = loop.CreateTask(Body());
        var ex = Bounded.Run(() => Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(self)));
        Assert.Contains("awaits itself", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Await_FutureOfAnotherLoop_FailsWithClearError()
    {
        using var loop = new EventLoop();
        using var other = new EventLoop();
        var foreign = other.CreateFuture();
        async Coroutine Body() => await foreign;

        var ex = Bounded.Run(() => Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(Body())));
        Assert.Contains("another event loop", ex.Message, StringComparison.Ordinal);
    }

    // Found by LoopInvariantTests.Tasks_RandomProgramsOfAwaitsCompletionsAndCancels_MatchModel:
    // a task that canceled itself parked on the next pending future and only saw the cancellation
    // when that future completed, i.e. never, for a future nobody completes.
    [Fact]
    public void Cancel_SelfThenAwaitPendingFuture_RaisesAtThatAwait()
    {
        var outcome = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var never = loop.CreateFuture<int>();

            async Coroutine<int> SelfCanceling()
            {
                CoopTask.Current!.Cancel("stop");
                return await never;
            }

            var task = loop.CreateTask(SelfCanceling());
            JumpClock.RunUntilIdle(loop);
            return (task.State, task.Exception?.Message, NeverDone: !never.IsDone);
        });

        Assert.Equal((FutureState.Canceled, "stop", true), outcome);
    }

    [Fact]
    public void Cancel_SelfThenSleep_RaisesAtOnceAndCancelsTheSleep()
    {
        var outcome = Bounded.Run(() =>
        {
            var clock = new JumpClock();
            using var loop = new EventLoop(clock);
            Future? sleep = null;

            async Coroutine SelfCanceling()
            {
                CoopTask.Current!.Cancel();
                sleep = loop.Sleep(3600);
                await sleep;
            }

            var task = loop.CreateTask(SelfCanceling());
            JumpClock.RunUntilIdle(loop);
            return (task.State, SleepState: sleep!.State, clock.Now);
        });

        Assert.Equal((FutureState.Canceled, FutureState.Canceled, 0L), outcome);
    }

    [Fact]
    public void Cancel_GeneratorSelfThenYieldPendingFuture_EndsCanceledAndDisposes()
    {
        var log = new List<string>();
        var state = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var never = loop.CreateFuture();

            IEnumerable<object?> SelfCanceling()
            {
                try
                {
                    CoopTask.Current!.Cancel();
                    yield return never;
                    log.Add("resumed");
                }
                finally
                {
                    log.Add("finally");
                }
            }

            var task = loop.CreateTask(SelfCanceling());
            JumpClock.RunUntilIdle(loop);
            return task.State;
        });

        Assert.Equal(FutureState.Canceled, state);
        Assert.Equal(["finally"], log);
    }

    // Found by the same property: a waiter that was canceled stays registered on the task it
    // awaited; when that task then failed, the stale registration counted as "someone is waiting",
    // so the error was neither awaited nor reported.
    [Fact]
    public void Fail_OnlyWaiterWasCanceled_ErrorIsReported()
    {
        var reports = Bounded.Run(() =>
        {
            var seen = new List<string>();
            using var loop = new EventLoop(new JumpClock());
            loop.ExceptionHandler = (_, error) => seen.Add(error.Message + ": " + error.Exception?.Message);
            var release = loop.CreateFuture();

            async Coroutine Failing()
            {
                await release;
                throw new InvalidOperationException("lost?");
            }

            var failing = loop.CreateTask(Failing());

            async Coroutine Waiter() => await failing;

            var waiter = loop.CreateTask(Waiter());
            loop.CallSoon(() => loop.CallSoon(() =>
            {
                waiter.Cancel();
                release.SetResultObject(null);
            }));
            JumpClock.RunUntilIdle(loop);
            Assert.True(waiter.IsCanceled);
            return seen;
        });

        Assert.Equal(["Task exception was never retrieved: lost?"], reports);
    }

    // And its sibling: the waiter was woken by the failure but canceled before it ran, so it
    // raised the cancellation instead of reading the error; that counted as "someone waits" too.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fail_WaiterCanceledAfterWakeUp_ErrorIsReported(bool generatorWaiter)
    {
        var reports = Bounded.Run(() =>
        {
            var seen = new List<string>();
            using var loop = new EventLoop(new JumpClock());
            loop.ExceptionHandler = (_, error) => seen.Add(error.Message + ": " + error.Exception?.Message);
            CoopTask? waiter = null;

            async Coroutine Failing()
            {
                await Coroutine.Yield();
                // Runs after this step, which wakes the waiter: the waiter is canceled while ready.
                EventLoop.Current.CallSoon(() => waiter!.Cancel());
                throw new InvalidOperationException("lost?");
            }

            var failing = loop.CreateTask(Failing());

            async Coroutine AsyncWaiter() => await failing;

            IEnumerable<object?> GeneratorWaiter()
            {
                yield return failing;
            }

            waiter = generatorWaiter ? loop.CreateTask(GeneratorWaiter()) : loop.CreateTask(AsyncWaiter());
            JumpClock.RunUntilIdle(loop);
            Assert.True(waiter.IsCanceled);
            return seen;
        });

        Assert.Equal(["Task exception was never retrieved: lost?"], reports);
    }

    // Canceling a waiter must not harm other waiters: a sleep future is canceled with its waiter
    // only when that waiter is the only one (a Sleep future is public and can be shared).
    [Fact]
    public void Cancel_OneOfTwoTasksSharingASleep_OtherStillWakesWhenItEnds()
    {
        var (canceled, other, sleepState) = Bounded.Run(() =>
        {
            var clock = new JumpClock();
            using var loop = new EventLoop(clock);
            var sleep = loop.Sleep(0.005);

            async Coroutine<long> Sleeper()
            {
                await sleep;
                return clock.Now;
            }

            var first = loop.CreateTask(Sleeper());
            var second = loop.CreateTask(Sleeper());
            loop.CallSoon(() => loop.CallSoon(() => first.Cancel()));
            JumpClock.RunUntilIdle(loop);
            return (first.IsCanceled, second.IsDone && !second.IsCanceled ? second.Result : -1, sleep.State);
        });

        Assert.Equal((true, 5L, FutureState.Succeeded), (canceled, other, sleepState));
    }

    // Reporting a failed task even when it has waiters must not report it under a seeded schedule
    // that runs the check before the woken awaiter: the check waits one more pass for that.
    [Fact]
    public void Fail_AwaitedAndCaught_NotReportedUnderAnySeededSchedule()
    {
        var reports = Bounded.Run(() =>
        {
            var count = 0;
            for (var seed = 0; seed < 64; seed++)
            {
                using var loop = new EventLoop(new JumpClock());
                loop.Chooser = new RandomChooser(seed);
                loop.ExceptionHandler = (_, _) => count++;

                async Coroutine Failing()
                {
                    await Coroutine.Yield();
                    throw new ProgramException("seen by its awaiter");
                }

                var failing = loop.CreateTask(Failing());

                async Coroutine Waiter()
                {
                    try
                    {
                        await failing;
                    }
                    catch (ProgramException)
                    {
                    }
                }

                loop.CreateTask(Waiter());
                JumpClock.RunUntilIdle(loop);
            }

            return count;
        });

        Assert.Equal(0, reports);
    }
}
