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
        CoopTask? fromLoop = null;
        async Coroutine Body()
        {
            await Coroutine.Yield();
            inside = CoopTask.Current;
            fromLoop = EventLoop.RunningLoop.CurrentTask;
        }

        var task = loop.CreateTask(Body());
        Bounded.Run(() => loop.RunUntilComplete(task));
        Assert.Same(task, inside);
        Assert.Same(task, fromLoop);
        Assert.Null(CoopTask.Current);
        Assert.Null(loop.CurrentTask);
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
            var task = EventLoop.RunningLoop.CreateTask(Value(20));
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
            catch (CancelledException ex)
            {
                seen = ex.Message;
                throw;
            }
        }

        async Coroutine<string> Main()
        {
            var task = EventLoop.RunningLoop.CreateTask(Sleeper());
            await Coroutine.Yield();
            Assert.True(task.Cancel("shutting down"));
            var ex = await Assert.ThrowsAsync<CancelledException>(async () => await Wrap(task));
            Assert.True(task.IsCancelled);
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
        Bounded.Run(() => Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task)));
        Assert.False(ran);
        Assert.True(task.IsCancelled);
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
            catch (CancelledException)
            {
            }

            await Coroutine.Yield(); // the cancellation was delivered once: this does not throw
            return "survived";
        }

        async Coroutine<string> Main()
        {
            var task = EventLoop.RunningLoop.CreateTask(Stubborn());
            await Coroutine.Yield();
            task.Cancel();
            return await task;
        }

        Assert.Equal("survived", Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Cancel_RequestedButCoroutineEndsWithoutAwaiting_TaskEndsCancelled()
    {
        using var loop = new EventLoop();
        async Coroutine<int> CancelsItself()
        {
            await Coroutine.Yield();
            CoopTask.Current!.Cancel("self");
            return 1; // asyncio: a cancel requested right before the coroutine stops wins
        }

        var task = loop.CreateTask(CancelsItself());
        var ex = Bounded.Run(() => Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task)));
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
            var task = EventLoop.RunningLoop.CreateTask(Worker());
            await Coroutine.Yield();
            task.Cancel();
            await Assert.ThrowsAsync<CancelledException>(async () => await Wrap(task));
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
            catch (CancelledException ex)
            {
                log.Add("second cancel: " + ex.Message);
                throw;
            }
        }

        async Coroutine<CoopTask> Main()
        {
            var task = EventLoop.RunningLoop.CreateTask(Worker());
            await Coroutine.Yield();
            task.Cancel("first");
            await Coroutine.Yield(); // the task runs its finally and parks on the second sleep
            await Coroutine.Yield();
            Assert.Equal(CoopTaskStatus.Waiting, task.Status);
            task.Cancel("second");
            await Assert.ThrowsAsync<CancelledException>(async () => await Wrap(task));
            return task;
        }

        var ended = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(["finally started", "second cancel: second"], log);
        Assert.True(ended.IsCancelled);
    }

    [Fact]
    public void Cancel_TaskAwaitingAnotherTask_DoesNotCancelTheOther()
    {
        async Coroutine<string> Main()
        {
            var loop = EventLoop.RunningLoop;
            var inner = loop.CreateTask(Value(5));
            var outer = loop.CreateTask(AwaitIt(inner));
            await Coroutine.Yield();
            outer.Cancel();
            await Assert.ThrowsAsync<CancelledException>(async () => await Wrap(outer));
            return $"{inner.Result} {outer.State}";
        }

        static async Coroutine AwaitIt(CoopTask<int> t) => await t;

        Assert.Equal("5 Cancelled", Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void CancellationToken_CancelledWhenTheTaskIsCancelled()
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
        Bounded.Run(() => Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task)));
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
        Bounded.Run(() => Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task)));
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
            var task = EventLoop.RunningLoop.CreateTask(Body());
            await Coroutine.Yield();
            task.Cancel("stop waiting");
            var ex = await Assert.ThrowsAsync<CancelledException>(async () => await Wrap(task));
            Assert.Equal("stop waiting", ex.Message);
            return task;
        }

        var ended = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(ended.IsCancelled);
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
            var task = EventLoop.RunningLoop.CreateTask(Body());
            await Coroutine.Yield();
            Assert.True(task.Cancel());
            Assert.Equal(CoopTaskStatus.Waiting, task.Status);
            gate.Release();
            await Assert.ThrowsAsync<CancelledException>(async () => await Wrap(task));
            return task;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())).IsCancelled);
        Assert.Equal(["after the BCL await"], log);
    }

    [Fact]
    public void CreateTask_ExternalTokenCancelledFromAnotherThread_CancelsTheTask()
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
            catch (CancelledException)
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
        Bounded.Run(() => Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task)));
        canceller.Join();
        Assert.True(sawCancel);
        Assert.True(task.IsCancelled);
    }

    [Fact]
    public void CreateTask_TokenAlreadyCancelled_TaskEndsCancelledWithoutRunning()
    {
        using var loop = new EventLoop();
        var ran = false;
        async Coroutine Body()
        {
            ran = true;
            await Coroutine.Yield();
        }

        var task = loop.CreateTask(Body(), cancellationToken: new CancellationToken(canceled: true));
        Bounded.Run(() => Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task)));
        Assert.False(ran);
    }

    [Fact]
    public void UnobservedFailure_ReportedOnceWithTheTask()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(Fail("nobody listens"));
        Bounded.Run(() => loop.Run(until: () => errors.Count > 0));
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0.01))); // and no second report
        var error = Assert.Single(errors);
        Assert.Same(task, error.Task);
        Assert.Equal("nobody listens", error.Exception!.Message);
        Assert.Contains("never retrieved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnobservedFailure_GoesToTheLoggerByDefault()
    {
        var logger = new ListLogger();
        using var loop = new EventLoop(logger: logger);
        loop.CreateTask(Fail("to the log"));
        Bounded.Run(() => loop.Run(until: () => logger.Entries.Count > 0));
        Assert.Equal("to the log", Assert.Single(logger.Entries).Exception!.Message);
    }

    [Fact]
    public void ObservedFailure_AwaitedOrReadInADoneCallback_NotReported()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        async Coroutine Main()
        {
            var awaited = EventLoop.RunningLoop.CreateTask(Fail("awaited"));
            var read = EventLoop.RunningLoop.CreateTask(Fail("read"));
            read.AddDoneCallback(f => _ = f.Exception);
            await Assert.ThrowsAsync<FormatException>(async () => await Wrap(awaited));
            await Coroutine.Sleep(0.01);
        }

        Bounded.Run(() => loop.RunUntilComplete(Main()));
        Assert.Empty(errors);
    }

    [Fact]
    public void CancelledTask_NobodyAwaits_NotReported()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var task = loop.CreateTask(SleepLong());
        task.Cancel();
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0.01)));
        Assert.True(task.IsCancelled);
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
}
