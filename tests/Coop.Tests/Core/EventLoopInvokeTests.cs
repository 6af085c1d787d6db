using Coop.Tests.Support;

namespace Coop.Tests.Core;

/// <summary>Calling into a loop that runs on another thread and awaiting the result there
/// (EventLoop.Invoke.cs). Every wait is bounded; nothing sleeps on the wall clock.</summary>
public class EventLoopInvokeTests
{
    private static readonly TimeSpan Limit = Bounded.DefaultLimit;

    /// <summary>Asserts that the call itself throws, before any Task exists.</summary>
    private static T RefusedAtCall<T>(Func<Task> call)
        where T : Exception => Assert.Throws<T>(() => { _ = call(); });

    private static async Coroutine<int> One()
    {
        await Coroutine.Yield();
        return 1;
    }

    [Fact]
    public async Task InvokeAsync_CoroutineReturns_TaskHasItsResultAndItRanOnTheLoopThread()
    {
        using var host = new LoopThread();
        var ranOn = 0;
        async Coroutine<int> Add(int a, int b)
        {
            ranOn = Environment.CurrentManagedThreadId;
            await Coroutine.Yield();
            return a + b;
        }

        var sum = await host.Loop.InvokeAsync(() => Add(1, 2)).WaitAsync(Limit);

        Assert.Equal(3, sum);
        Assert.Equal(host.ThreadId, ranOn);
    }

    [Fact]
    public async Task InvokeAsync_CoroutineWithoutResult_TaskCompletesWhenItEnds()
    {
        using var host = new LoopThread();
        var steps = 0;
        async Coroutine Work()
        {
            steps++;
            await Coroutine.Yield();
            steps++;
        }

        await host.Loop.InvokeAsync(Work).WaitAsync(Limit);

        Assert.Equal(2, steps);
    }

    [Fact]
    public async Task InvokeAsync_CoroutineThrows_TaskFailsWithTheSameExceptionAndTheLoopReportsNothing()
    {
        var reported = new List<LoopError>();
        using var host = new LoopThread();
        host.Loop.CallSoonThreadsafe(() => host.Loop.ExceptionHandler = (_, e) => reported.Add(e));
        var thrown = new InvalidDataException("bad input");
        async Coroutine<int> Fail()
        {
            await Coroutine.Yield();
            throw thrown;
        }

        var caught = await Assert.ThrowsAsync<InvalidDataException>(() => host.Loop.InvokeAsync(Fail).WaitAsync(Limit));

        Assert.Same(thrown, caught);
        host.Stop(); // a few more iterations: an unobserved error would have been reported by now
        Assert.Empty(reported);
    }

    [Fact]
    public async Task InvokeAsync_FactoryThrows_TaskFailsWithItsException()
    {
        using var host = new LoopThread();
        var thrown = new ArgumentException("no coroutine today");

        var caught = await Assert.ThrowsAsync<ArgumentException>(
            () => host.Loop.InvokeAsync(new Func<Coroutine<int>>(() => throw thrown)).WaitAsync(Limit));

        Assert.Same(thrown, caught);
    }

    [Fact]
    public async Task InvokeAsync_FactoryReturnsNull_TaskFailsSayingSo()
    {
        using var host = new LoopThread();

        var caught = await Assert.ThrowsAsync<InvalidOperationException>(
            () => host.Loop.InvokeAsync(() => (Coroutine)null!).WaitAsync(Limit));

        Assert.Contains("returned null", caught.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_TokenCanceledWhileRunning_TaskIsCanceledAfterTheFinallyBlockRan()
    {
        using var host = new LoopThread();
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cleanedUp = false;
        async Coroutine<int> WaitForever()
        {
            try
            {
                started.SetResult();
                await EventLoop.Current.CreateFuture(); // never completed
                return 1;
            }
            finally
            {
                await Coroutine.Yield(); // cleanup that itself awaits
                cleanedUp = true;
            }
        }

        var call = host.Loop.InvokeAsync(WaitForever, cts.Token);
        await started.Task.WaitAsync(Limit);
        Assert.False(call.IsCompleted);
        await cts.CancelAsync();

        var caught = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));

        Assert.True(call.IsCanceled);
        Assert.Equal(cts.Token, caught.CancellationToken);
        Assert.True(cleanedUp, "the Task completed before the coroutine's finally block ran");
    }

    [Fact]
    public async Task InvokeAsync_TokenCanceledBeforehand_TaskIsCanceledAndTheFactoryNeverRuns()
    {
        using var host = new LoopThread();
        var called = false;

        var call = host.Loop.InvokeAsync(
            () =>
            {
                called = true;
                return One();
            },
            new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        Assert.True(call.IsCanceled);
        Assert.False(called);
    }

    [Fact]
    public async Task InvokeAsync_TaskCanceledOnTheLoopBeforeItsFirstStep_TaskIsCanceledAndTheBodyNeverRuns()
    {
        // The loop thread is held while the call and a cancel-everything callback are posted, so both
        // are drained in one iteration: the call's task exists, and is canceled before it ever steps.
        using var host = new LoopThread();
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        host.Loop.CallSoonThreadsafe(() =>
        {
            held.Set();
            release.Wait(Limit);
        });
        Assert.True(held.Wait(Limit));
        var bodyRan = false;
        var call = host.Loop.InvokeAsync(() =>
        {
            async Coroutine<int> Body()
            {
                bodyRan = true;
                await Coroutine.Yield();
                return 1;
            }

            return Body();
        });
        host.Loop.CallSoonThreadsafe(() =>
        {
            foreach (var task in host.Loop.AllTasks())
            {
                task.Cancel("shutting down");
            }
        });
        release.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        Assert.True(call.IsCanceled);
        Assert.False(bodyRan);
    }

    [Fact]
    public async Task InvokeAsync_TokenCanceledWhileTheBodyAwaitsDotNetCodeWithTheTasksToken_TaskIsCanceled()
    {
        using var host = new LoopThread();
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Coroutine<int> CallsDotNet()
        {
            var token = CoopTask.Current!.CancellationToken;
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token); // .NET code handed the task's token
            return 1;
        }

        var call = host.Loop.InvokeAsync(CallsDotNet, cts.Token);
        await started.Task.WaitAsync(Limit);
        await cts.CancelAsync();

        var caught = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        Assert.True(call.IsCanceled);
        Assert.Equal(cts.Token, caught.CancellationToken);
    }

    [Fact]
    public async Task InvokeAsync_CoroutineCatchesTheCancellationAndReturns_TaskHasTheValue()
    {
        using var host = new LoopThread();
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Coroutine<string> Stubborn()
        {
            try
            {
                started.SetResult();
                await EventLoop.Current.CreateFuture();
                return "finished";
            }
            catch (CanceledException)
            {
                return "gave up cleanly";
            }
        }

        var call = host.Loop.InvokeAsync(Stubborn, cts.Token);
        await started.Task.WaitAsync(Limit);
        await cts.CancelAsync();

        Assert.Equal("gave up cleanly", await call.WaitAsync(Limit));
    }

    [Fact]
    public async Task InvokeAsync_TaskCanceledOnTheLoopSide_TaskIsCanceledWithoutTheCallersToken()
    {
        using var host = new LoopThread();
        using var cts = new CancellationTokenSource();
        async Coroutine<int> TimesOut()
        {
            await Coroutine.Yield();
            CoopTask.Current!.Cancel("the loop's side gives up");
            await Coroutine.Yield();
            return 1;
        }

        var call = host.Loop.InvokeAsync(TimesOut, cts.Token);

        var caught = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        Assert.True(call.IsCanceled);
        Assert.NotEqual(cts.Token, caught.CancellationToken);
    }

    [Fact]
    public async Task InvokeAsync_ManyCallersFromThePool_EachRunsAloneOnTheLoop()
    {
        using var host = new LoopThread();
        var counter = 0; // no lock: only the loop thread touches it
        async Coroutine<int> Increment()
        {
            var seen = counter;
            await Coroutine.Yield(); // another call may run here; the write below must still be exact
            counter = seen + 1;
            return seen;
        }

        // Serialized by a CoopLock, the increments must add up although 64 pool threads call at once.
        var gate = new CoopLock();
        async Coroutine<int> Locked()
        {
            using (await gate.AcquireAsync())
            {
                return await Increment();
            }
        }

        var calls = Enumerable.Range(0, 64).Select(_ => Task.Run(() => host.Loop.InvokeAsync(Locked))).ToList();
        var seenValues = await Task.WhenAll(calls).WaitAsync(Limit);

        Assert.Equal(64, counter);
        Assert.Equal(Enumerable.Range(0, 64), seenValues.Order());
    }

    [Fact]
    public async Task InvokeAsync_CallersAsyncLocal_IsSeenByTheCoroutineOnly()
    {
        using var host = new LoopThread();
        var requestId = new AsyncLocal<string?>();
        string? seenInside = "unset";
        string? seenByAnotherCallback = "unset";
        async Coroutine Look()
        {
            await Coroutine.Yield();
            seenInside = requestId.Value;
            EventLoop.Current.CallSoon(() => seenByAnotherCallback = requestId.Value);
            await Coroutine.Yield();
        }

        requestId.Value = "request-17";
        await host.Loop.InvokeAsync(Look).WaitAsync(Limit);

        Assert.Equal("request-17", seenInside);
        Assert.Null(seenByAnotherCallback);
    }

    [Fact]
    public void InvokeAsync_NullFunction_ThrowsArgumentNull()
    {
        using var host = new LoopThread();

        RefusedAtCall<ArgumentNullException>(() => host.Loop.InvokeAsync((Func<Coroutine<int>>)null!));
        RefusedAtCall<ArgumentNullException>(() => host.Loop.InvokeAsync((Func<Coroutine>)null!));
    }

    [Fact]
    public void InvokeAsync_LoopClosed_RefusesSayingSo()
    {
        var loop = new EventLoop();
        loop.Close();

        var error = RefusedAtCall<InvalidOperationException>(() => loop.InvokeAsync(One));

        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeAsync_LoopNotRunning_RefusesSayingSo()
    {
        using var loop = new EventLoop();

        var error = RefusedAtCall<InvalidOperationException>(() => loop.InvokeAsync(One));

        Assert.Contains("not running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeAsync_LoopStoppedAfterRunning_RefusesSayingSo()
    {
        using var host = new LoopThread();
        host.Stop();

        var error = RefusedAtCall<InvalidOperationException>(() => host.Loop.InvokeAsync(One));

        Assert.Contains("not running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeAsync_FromTheLoopThread_RefusesAndPointsToCreateTask()
    {
        async Coroutine<string> Main()
        {
            await Coroutine.Yield();
            var error = RefusedAtCall<InvalidOperationException>(() => EventLoop.Current.InvokeAsync(One));
            return error.Message;
        }

        var message = Bounded.Run(() => EventLoop.Run(Main()));

        Assert.Contains("own thread", message, StringComparison.Ordinal);
        Assert.Contains("CreateTask", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_LoopClosesBeforeTheCallStarts_TaskFailsSayingSo()
    {
        var loop = new EventLoop();
        var reported = new List<LoopError>();
        loop.ExceptionHandler = (_, e) => reported.Add(e);
        using var busy = new ManualResetEventSlim();
        using var posted = new ManualResetEventSlim();
        Task<int>? call = null;

        // The loop thread is held inside a callback while the call is posted; the callback then stops
        // the loop, so the post is still in the inbox when the loop closes.
        loop.CallSoon(() =>
        {
            busy.Set();
            Assert.True(posted.Wait(Limit));
            loop.Stop();
        });
        var loopThread = new Thread(() =>
        {
            loop.RunForever();
            loop.Close();
        });
        loopThread.Start();
        Assert.True(busy.Wait(Limit));
        call = loop.InvokeAsync(One);
        posted.Set();
        Assert.True(loopThread.Join(Limit));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(Limit));
        Assert.Contains("closed before", error.Message, StringComparison.Ordinal);
        Assert.Empty(reported); // answered through the Task, not reported as a lost callback
    }

    [Fact]
    public async Task InvokeAsync_LoopShutsDownWhileTheCoroutineRuns_TaskIsCanceled()
    {
        // EventLoop.Run cancels the tasks still alive when main ends, and waits for them: the call's
        // task is one of them.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        EventLoop? loop = null;
        var finallyRan = false;
        async Coroutine Main()
        {
            loop = EventLoop.Current;
            started.SetResult();
            await Coroutine.FromTask(Task.Run(() => release.Wait(Limit)));
        }

        var pendingStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Coroutine<int> Pending()
        {
            try
            {
                pendingStarted.SetResult();
                await EventLoop.Current.CreateFuture();
                return 1;
            }
            finally
            {
                finallyRan = true;
            }
        }

        var loopThread = new Thread(() => EventLoop.Run(Main()));
        loopThread.Start();
        await started.Task.WaitAsync(Limit);
        var call = loop!.InvokeAsync(Pending);
        await pendingStarted.Task.WaitAsync(Limit);
        release.Set(); // main ends: the loop cancels the call's task, waits for it, closes

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        Assert.True(loopThread.Join(Limit));
        Assert.True(call.IsCanceled);
        Assert.True(finallyRan);
    }

    [Fact]
    public async Task InvokeAsync_LoopStoppedAndClosedUnderARunningCoroutine_TokenStillCancelsTheTask()
    {
        var host = new LoopThread();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Coroutine<int> Forever()
        {
            started.SetResult();
            await EventLoop.Current.CreateFuture();
            return 1;
        }

        using var cts = new CancellationTokenSource();
        var call = host.Loop.InvokeAsync(Forever, cts.Token);
        await started.Task.WaitAsync(Limit);
        host.Stop();
        host.Loop.Close(); // its tasks are left pending: only the caller's token can end the wait now
        host.Dispose();
        Assert.False(call.IsCompleted);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Limit));
        Assert.True(call.IsCanceled);
    }
}
