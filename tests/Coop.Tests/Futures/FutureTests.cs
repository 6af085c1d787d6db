using Coop.Tests.Support;

namespace Coop.Tests.Futures;

public class FutureTests
{
    [Fact]
    public void AwaitedWithTimeoutsAgainAndAgain_TheWaiterListStaysSmall()
    {
        // A task that leaves a future (its scope timed out) stays listed until the future completes;
        // listed again each time it waits, it would grow the list without end (a heartbeat loop).
        var entries = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.InRange(entries, 0, 8);

        static async Coroutine<int> Main()
        {
            var shutdown = EventLoop.Current.CreateFuture();
            for (var i = 0; i < 10_000; i++)
            {
                await CancelScope.MoveOnAfter(0, async _ => await shutdown);
            }

            return shutdown.WaiterEntries;
        }
    }

    [Fact]
    public void StaleWaitersDropped_TasksStillWaitingAreWokenOnceInOrder()
    {
        // Three tasks wait with timeouts many times, listed again each time (stale entries pile up
        // and are swept as the list grows), then wait for good: each is woken exactly once, in the
        // order they last started waiting (0, 1, 2: fewest rounds first), not the order they first
        // waited in (1, 2, 0), which a sweep keeping a task's first entry would give.
        var (order, entriesBeforeSet) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal([0, 1, 2], order);
        Assert.InRange(entriesBeforeSet, 3, 16);

        static async Coroutine<(List<int>, int)> Main()
        {
            var loop = EventLoop.Current;
            var signal = loop.CreateFuture();
            var order = new List<int>();
            var tasks = new[] { 1, 2, 0 }.Select(n => loop.CreateTask(Waiter(n, signal, order))).ToArray();
            while (signal.WaiterEntries == 0 || tasks.Any(t => t.Status != CoopTaskStatus.Waiting))
            {
                await Coroutine.Yield();
            }

            var entries = signal.WaiterEntries;
            signal.SetResultObject(null);
            foreach (var t in tasks)
            {
                await t;
            }

            return (order, entries);
        }

        static async Coroutine Waiter(int id, Future signal, List<int> order)
        {
            for (var i = 0; i < 300 + (100 * id); i++)
            {
                await CancelScope.MoveOnAfter(0, async _ => await signal);
            }

            await signal;
            order.Add(id);
        }
    }

    [Fact]
    public void ATaskThatLeftAndWaitsAgain_IsWokenWhereItLastBeganToWait()
    {
        // A waits, B waits, A leaves (its scope times out) and waits again: A is now behind B.
        var order = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(["B", "A"], order);

        static async Coroutine<List<string>> Main()
        {
            var loop = EventLoop.Current;
            var signal = loop.CreateFuture();
            var order = new List<string>();
            var bWaits = loop.CreateFuture();
            var a = loop.CreateTask(A(signal, bWaits, order));
            var b = loop.CreateTask(B(signal, bWaits, order));
            while (a.Status != CoopTaskStatus.Waiting || b.Status != CoopTaskStatus.Waiting || !bWaits.IsDone)
            {
                await Coroutine.Yield();
            }

            await Coroutine.Sleep(1); // A's scope times out, and A waits again
            signal.SetResultObject(null);
            await a;
            await b;
            return order;
        }

        static async Coroutine A(Future signal, Future bWaits, List<string> order)
        {
            await CancelScope.MoveOnAfter(0.5, async _ => await signal); // listed first, then leaves
            await bWaits;
            await signal;
            order.Add("A");
        }

        static async Coroutine B(Future signal, Future bWaits, List<string> order)
        {
            await Coroutine.Yield(); // A is listed first
            bWaits.SetResultObject(null);
            await signal;
            order.Add("B");
        }
    }

    [Fact]
    public void FailedAndNeverRead_ReportedOnceAsNeverRetrieved()
    {
        // As asyncio logs "Future exception was never retrieved" (there, when the future is collected).
        var errors = new List<LoopError>();
        Future<int>? failed = null;
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.RunUntilComplete(Main());
        });

        var error = Assert.Single(errors);
        Assert.Equal("Future exception was never retrieved", error.Message);
        Assert.Same(failed, error.Future);
        Assert.Null(error.Task);
        Assert.IsType<FormatException>(error.Exception);

        async Coroutine Main()
        {
            failed = EventLoop.Current.CreateFuture<int>();
            failed.SetException(new FormatException("nobody reads me"));
            await Coroutine.Sleep(1); // passes go by: still not reported, until the loop closes
        }
    }

    [Theory]
    [InlineData("await")]
    [InlineData("read Exception")]
    [InlineData("yield and read Result")]
    public void FailedAndLookedAt_NotReported(string how)
    {
        var errors = new List<LoopError>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            var failed = loop.CreateFuture<int>();
            loop.CallSoon(() => failed.SetException(new FormatException("seen")));
            if (how == "yield and read Result")
            {
                loop.RunUntilComplete(Generator(failed));
            }
            else
            {
                loop.RunUntilComplete(Main(failed, how));
            }
        });

        Assert.Empty(errors);

        static async Coroutine Main(Future<int> failed, string how)
        {
            if (how == "await")
            {
                try
                {
                    await failed;
                    Assert.Fail("the await should have thrown the future's exception");
                }
                catch (FormatException)
                {
                }
            }
            else
            {
                await Coroutine.Yield();
                Assert.IsType<FormatException>(failed.Exception);
            }

            await Coroutine.Sleep(1);
        }

        static IEnumerable<object?> Generator(Future<int> failed)
        {
            yield return failed;
            Assert.Throws<FormatException>(() => failed.Result);
            yield return Coroutine.Sleep(1);
        }
    }

    [Fact]
    public void New_IsPendingAndReadingItThrows()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        Assert.Equal(FutureState.Pending, future.State);
        Assert.False(future.IsDone);
        Assert.Same(loop, future.Loop);
        Assert.Contains("not done", Assert.Throws<InvalidOperationException>(() => future.Result).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => future.Exception);
    }

    [Fact]
    public void SetResult_Done_ResultReadable()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        future.SetResult(7);
        Assert.Equal(FutureState.Succeeded, future.State);
        Assert.Equal(7, future.Result);
        Assert.Equal(7, future.ResultObject);
        Assert.Null(future.Exception);
    }

    [Fact]
    public void SetResult_Twice_ThrowsAndKeepsTheFirst()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        future.SetResult(1);
        var ex = Assert.Throws<InvalidOperationException>(() => future.SetResult(2));
        Assert.Contains("already done", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => future.SetException(new FormatException()));
        Assert.False(future.TrySetResult(3));
        Assert.False(future.TrySetException(new FormatException()));
        Assert.False(future.Cancel());
        Assert.Equal(1, future.Result);
    }

    [Fact]
    public void SetException_ResultRethrowsTheSameException()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        var error = new FormatException("bad");
        future.SetException(error);
        Assert.Equal(FutureState.Failed, future.State);
        Assert.Same(error, Assert.Throws<FormatException>(() => future.Result));
        Assert.Same(error, future.Exception);
    }

    [Fact]
    public void SetException_Null_ThrowsArgumentNull()
    {
        using var loop = new EventLoop();
        Assert.Throws<ArgumentNullException>(() => loop.CreateFuture().SetException(null!));
    }

    [Fact]
    public void Cancel_Pending_CanceledWithMessage()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        Assert.True(future.Cancel("no longer needed"));
        Assert.True(future.IsCanceled);
        Assert.True(future.IsDone);
        var ex = Assert.Throws<CanceledException>(() => future.ResultObject);
        Assert.Equal("no longer needed", ex.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(future.Exception);
        Assert.False(future.Cancel());
    }

    [Fact]
    public void AddDoneCallback_Completed_RunsThroughTheLoopNotInline()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        var calls = new List<Future>();
        future.AddDoneCallback(calls.Add);
        future.SetResult(1);
        Assert.Empty(calls); // scheduled with CallSoon, as in asyncio
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Same(future, Assert.Single(calls));
    }

    [Fact]
    public void AddDoneCallback_AlreadyDone_StillScheduled()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        future.Cancel();
        var called = 0;
        future.AddDoneCallback(_ => called++);
        Assert.Equal(0, called);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Equal(1, called);
    }

    [Fact]
    public void AddDoneCallback_Several_RunInRegistrationOrder()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        var order = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var n = i;
            future.AddDoneCallback(_ => order.Add(n));
        }

        future.SetResultObject(null);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Equal([0, 1, 2, 3], order);
    }

    [Fact]
    public void AddDoneCallback_Throws_ReportedAndOthersStillRun()
    {
        using var loop = new EventLoop();
        var errors = Errors.Capture(loop);
        var future = loop.CreateFuture();
        var second = false;
        future.AddDoneCallback(_ => throw new FormatException("in callback"));
        future.AddDoneCallback(_ => second = true);
        future.SetResultObject(null);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.True(second);
        Assert.IsType<FormatException>(Assert.Single(errors).Exception);
    }

    [Fact]
    public void RemoveDoneCallback_Registered_NotCalledAndCounted()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        var called = 0;
        Action<Future> callback = _ => called++;
        Action<Future> other = _ => { };
        future.AddDoneCallback(callback);
        future.AddDoneCallback(other);
        future.AddDoneCallback(callback);
        Assert.Equal(2, future.RemoveDoneCallback(callback));
        Assert.Equal(0, future.RemoveDoneCallback(callback));
        future.SetResultObject(null);
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Equal(0, called);
    }

    [Fact]
    public void Await_FromAsyncCoroutine_GetsResultSetLater()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<string>();
        loop.CallLater(0.01, () => future.SetResult("later"));
        Assert.Equal("later", Bounded.Run(() => loop.RunUntilComplete(Wait(future))));

        static async Coroutine<string> Wait(Future<string> f) => await f;
    }

    [Fact]
    public void Await_FailedFuture_ThrowsItsExceptionInTheCoroutine()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        loop.CallSoon(() => future.SetException(new FormatException("bad")));
        var caught = Bounded.Run(() => loop.RunUntilComplete(Catch(future)));
        Assert.Equal("bad", caught);

        static async Coroutine<string> Catch(Future<int> f)
        {
            try
            {
                await f;
                return "no error";
            }
            catch (FormatException ex)
            {
                return ex.Message;
            }
        }
    }

    [Fact]
    public void Await_NonGenericFuture_Waits()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        var order = new List<string>();
        loop.CallSoon(() =>
        {
            order.Add("set");
            future.SetResultObject(null);
        });
        Bounded.Run(() => loop.RunUntilComplete(Wait()));
        Assert.Equal(["set", "resumed"], order);

        async Coroutine Wait()
        {
            await future;
            order.Add("resumed");
        }
    }

    [Fact]
    public void Yield_FromGenerator_ParksUntilDoneThenReadsResult()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        loop.CallLater(0.01, () => future.SetResult(5));
        var result = Bounded.Run(() => loop.RunUntilComplete(Gen()));
        Assert.Equal(10, result);

        IEnumerable<object?> Gen()
        {
            yield return future;
            yield return Coroutine.Return(future.Result * 2);
        }
    }

    [Fact]
    public void Await_SameFutureFromManyTasks_AllWake()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        var woke = 0;
        var tasks = Enumerable.Range(0, 10).Select(_ => loop.CreateTask(Wait())).ToList();
        loop.CallLater(0.01, () => future.SetResult(1));
        Bounded.Run(() => loop.RunUntilComplete(tasks[^1]));
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Equal(10, woke);

        async Coroutine Wait()
        {
            var value = await future; // not `woke += await future`: that reads woke before the await
            woke += value;
        }
    }

    [Fact]
    public void ToString_NamesTypeAndState()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        Assert.Equal("Future<Int32> Pending", future.ToString());
        future.Cancel();
        Assert.Equal("Future<Int32> Canceled", future.ToString());
    }

    [Fact]
    public void SetResultObject_WrongType_ThrowsArgumentExceptionAndStaysPending()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        Assert.Throws<ArgumentException>(() => future.SetResultObject("text"));
        Assert.Throws<ArgumentException>(() => future.SetResultObject(null));
        Assert.False(future.IsDone);
        future.SetResultObject(3);
        Assert.Equal(3, future.Result);
        Assert.Equal(3, future.ResultObject);
    }

    [Fact]
    public void SetResult_ValueType_CompletingAndReadingAllocateNothing()
    {
        using var loop = new EventLoop();
        var futures = Enumerable.Range(0, 100).Select(_ => loop.CreateFuture<long>()).ToArray();
        futures[0].SetResult(0);
        _ = futures[0].Result;
        var before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (var i = 1; i < futures.Length; i++)
        {
            futures[i].SetResult(i);
            sum += futures[i].Result;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(4950, sum);
    }
}
