using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CoroutineFromTaskTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    /// <summary>Runs <paramref name="main"/> on a loop whose errors are collected, not printed.</summary>
    private static (T Result, List<LoopError> Errors) RunCollectingErrors<T>(Func<Coroutine<T>> main)
    {
        var errors = new List<LoopError>();
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            return loop.RunUntilComplete(main());
        });
        return (result, errors);
    }

    /// <summary>Runs <paramref name="wait"/> as a task, lets it park, and cancels it: returns the
    /// task once it has left its wait.</summary>
    private static async Coroutine<CoopTask> CanceledWhileWaiting(Coroutine wait)
    {
        var waiter = EventLoop.Current.CreateTask(wait);
        await Coroutine.Yield(); // the waiter is now parked
        waiter.Cancel();
        await Coroutine.Wait([waiter]);
        return waiter;
    }

    [Fact]
    public void FromTask_CompletedTask_FutureIsDoneBeforeItIsReturned()
    {
        var (isDone, result) = Run(async () =>
        {
            var future = Coroutine.FromTask(Task.FromResult(7));
            var isDone = future.IsDone;
            return (isDone, await future);
        });

        Assert.True(isDone);
        Assert.Equal(7, result);
    }

    [Fact]
    public void FromTask_CompletedFromAnotherThread_ResumesOnTheLoopThread()
    {
        var (loopThread, afterThread, result) = Run(async () =>
        {
            var loopThread = Environment.CurrentManagedThreadId;
            var source = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Task.Run(() => source.SetResult("from the pool"));
            var result = await Coroutine.FromTask(source.Task);
            var afterThread = Environment.CurrentManagedThreadId;
            await Coroutine.Sleep(3600); // nothing foreign is left in flight: the virtual clock jumps the hour
            return (loopThread, afterThread, result);
        });

        Assert.Equal(loopThread, afterThread);
        Assert.Equal("from the pool", result);
    }

    [Fact]
    public void FromTask_NonGenericTask_CompletesWhenTheTaskEnds()
    {
        var done = Run(async () =>
        {
            var finished = false;
            await Coroutine.FromTask(Task.Run(() => { finished = true; }));
            return finished;
        });

        Assert.True(done);
    }

    [Fact]
    public void FromTask_FaultedTask_AwaitThrowsTheOriginalException()
    {
        var original = new FormatException("bad");
        var thrown = Assert.Throws<FormatException>(() => Run(async () => await Coroutine.FromTask(Task.FromException<int>(original))));
        Assert.Same(original, thrown);
    }

    [Fact]
    public void FromTask_CanceledTask_ThrowsTaskCanceledException_AsAwaitWould()
    {
        Assert.Throws<TaskCanceledException>(() => Run(async () =>
        {
            await Coroutine.FromTask(Task.FromCanceled(new CancellationToken(canceled: true)));
            return 0;
        }));
    }

    [Fact]
    public void FromTask_WaiterCanceled_LeavesAtOnceWhileTheTaskRunsOn()
    {
        var source = new TaskCompletionSource<int>();
        var (waiterCanceled, taskStillRunning) = Run(async () =>
        {
            var waiter = await CanceledWhileWaiting(Waiter());
            return (waiter.IsCanceled, !source.Task.IsCompleted);
        });

        Assert.True(waiterCanceled);
        Assert.True(taskStillRunning);

        async Coroutine Waiter() => await Coroutine.FromTask(source.Task);
    }

    [Fact]
    public void FromTask_CancelScopeCanceled_EndsTheWaitAtOnce()
    {
        var canceledCaught = Run(async () =>
        {
            var scope = new CancelScope();
            var canceller = EventLoop.Current.CreateTask(CancelSoon(scope));
            await scope.RunAsync(async _ => await Coroutine.FromTask(new TaskCompletionSource().Task));
            await canceller;
            return scope.CanceledCaught;
        });

        Assert.True(canceledCaught);

        static async Coroutine CancelSoon(CancelScope scope)
        {
            await Coroutine.Yield();
            scope.Cancel();
        }
    }

    [Fact]
    public void FromTask_WaiterLeft_AVirtualClockNoLongerWaitsForTheTask()
    {
        // While a task waits on a Task, a virtual clock runs at wall speed (the Task may end any
        // moment); once the waiter has left, nobody waits for it, and virtual time jumps again.
        var slept = Run(async () =>
        {
            var never = new TaskCompletionSource<int>().Task;
            await CancelScope.MoveOnAfter(0.01, async _ => await Coroutine.FromTask(never)); // 10 ms for real
            var before = EventLoop.Current.Time();
            await Coroutine.Sleep(3600); // would take an hour for real if the abandoned Task still counted
            return EventLoop.Current.Time() - before;
        });

        Assert.InRange(slept, 3600, 3601);
    }

    [Fact]
    public void FromTask_WithToken_CancelingTheWaiterCancelsTheToken()
    {
        var tokenCanceled = Run(async () =>
        {
            var token = CancellationToken.None;
            async Coroutine Waiter() => await Coroutine.FromTask(t =>
            {
                token = t;
                return new TaskCompletionSource<int>().Task;
            });

            await CanceledWhileWaiting(Waiter());
            return await Coroutine.ToThread(() => token.WaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
        });

        Assert.True(tokenCanceled);
    }

    [Fact]
    public void FromTask_WaitForTimesOut_RaisesTimeoutAndStopsTheOperation()
    {
        // A real clock: an operation in flight on another thread keeps a virtual clock at wall speed.
        Task? operation = null;
        Assert.Throws<TimeoutException>(() => Bounded.Run(() => EventLoop.Run(Main())));
        Assert.True(((IAsyncResult)operation!).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
        Assert.True(operation.IsCanceled);

        async Coroutine Main() => await Coroutine.WaitFor(Coroutine.FromTask(token => operation = Task.Delay(Timeout.Infinite, token)), 0.01);
    }

    [Fact]
    public void FromTask_OperationStoppedByItsToken_ReportsNothing()
    {
        var (stopped, errors) = RunCollectingErrors(async () =>
        {
            Task? operation = null;
            async Coroutine Waiter() => await Coroutine.FromTask(token => operation = Task.Delay(Timeout.Infinite, token));

            await CanceledWhileWaiting(Waiter());
            while (!operation!.IsCompleted)
            {
                await Coroutine.Sleep(0.01); // nobody waits for it: virtual time runs on while the token's cancellation lands
            }

            return operation.IsCanceled; // its end may reach the loop before it closes, or after: either way, no news
        });

        Assert.True(stopped);
        Assert.Empty(errors);
    }

    [Fact]
    public void FromTask_FailsAfterItsWaiterLeft_ErrorGoesToTheExceptionHandler()
    {
        var source = new TaskCompletionSource<int>();
        var errors = new List<LoopError>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.RunUntilComplete(Main());
        });

        var error = Assert.Single(errors);
        Assert.True(error.Exception is FormatException, error.ToString());
        Assert.Contains("FromTask", error.Message, StringComparison.Ordinal);

        async Coroutine Main()
        {
            async Coroutine Waiter() => await Coroutine.FromTask(source.Task);

            await CanceledWhileWaiting(Waiter());
            source.SetException(new FormatException("late")); // its end reaches the loop through the inbox
            while (errors.Count == 0)
            {
                await Coroutine.Sleep(0.01); // a foreign wait is in flight: the virtual clock waits for it for real
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FromTask_OutcomeArrivesAsTheLoopCloses_OnlyAnErrorIsReported(bool fails)
    {
        // The outcome is posted after the waiter left, and main returns before the loop drains it:
        // Close says what matters, an error, and not "a callback never ran" for Coop's own bookkeeping.
        var source = new TaskCompletionSource<int>();
        var errors = new List<LoopError>();
        Bounded.Run(() =>
        {
            var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.RunUntilComplete(Main());
            loop.Close();
        });

        if (fails)
        {
            var error = Assert.Single(errors);
            Assert.True(error.Exception is FormatException, error.ToString());
            Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(errors);
        }

        async Coroutine Main()
        {
            async Coroutine Waiter() => await Coroutine.FromTask(source.Task);

            await CanceledWhileWaiting(Waiter());

            // Completed on a pool thread, where the Task runs its continuation inline: when the
            // event is set, the outcome is in the loop's inbox. The loop thread blocks meanwhile, on
            // purpose, so that it cannot drain it before main returns.
            using var posted = new ManualResetEventSlim();
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (fails)
                {
                    source.SetException(new FormatException("late"));
                }
                else
                {
                    source.SetResult(1);
                }

                posted.Set();
            });
            Assert.True(posted.Wait(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public void FromTask_StartThrows_TheFutureFails()
    {
        Assert.Throws<FormatException>(() => Run(async () => await Coroutine.FromTask<int>(_ => throw new FormatException())));
    }

    [Fact]
    public void FromTask_StartReturnsNull_ClearError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Run(async () => await Coroutine.FromTask<int>(_ => null!)));
        Assert.Contains("returned null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTask_NullArguments_Throw()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            Assert.Throws<ArgumentNullException>(() => Coroutine.FromTask((Task<int>)null!));
            Assert.Throws<ArgumentNullException>(() => Coroutine.FromTask((Task)null!));
            Assert.Throws<ArgumentNullException>(() => Coroutine.FromTask((Func<CancellationToken, Task<int>>)null!));
            Assert.Throws<ArgumentNullException>(() => Coroutine.FromTask((Func<CancellationToken, Task>)null!));
            return 0;
        });
    }

    [Fact]
    public void FromTask_NoLoop_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Coroutine.FromTask(Task.FromResult(1)));
    }

    [Fact]
    public void FromTask_FromAGenerator_IsYielded()
    {
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return loop.RunUntilComplete(Generator());
        });

        Assert.Equal(5, result);

        static IEnumerable<object?> Generator()
        {
            var work = Coroutine.FromTask(Task.Run(() => 5));
            yield return work;
            yield return Coroutine.Return(work.Result);
        }
    }
}
