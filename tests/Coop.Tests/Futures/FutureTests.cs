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
            signal.SetResult();
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
            signal.SetResult();
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
            bWaits.SetResult();
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
        Assert.Equal(7, future.Result);
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
        Assert.Equal("exception", Assert.Throws<ArgumentNullException>(() => loop.CreateFuture().SetException(null!)).ParamName);
        Assert.Equal("exception", Assert.Throws<ArgumentNullException>(() => loop.CreateFuture().TrySetException(null!)).ParamName);
    }

    [Fact]
    public void Cancel_Pending_CanceledWithMessage()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        Assert.True(future.Cancel("no longer needed"));
        Assert.True(future.IsCanceled);
        Assert.True(future.IsDone);
        var ex = Assert.Throws<CanceledException>(() => future.Result);
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
        Action<Future> callback = _ => called++;
        future.AddDoneCallback(callback);
        Assert.Equal(0, called);
        Assert.Equal(0, future.WaiterEntries); // scheduled, not kept: a done future completes no more
        Assert.Equal(0, future.RemoveDoneCallback(callback));
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

        future.SetResult();
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
        future.SetResult();
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
        future.SetResult();
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
            future.SetResult();
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
    public void SetBoxedResult_WrongType_ThrowsArgumentExceptionAndStaysPending()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        var text = Assert.Throws<ArgumentException>(() => future.TrySetBoxedResult("text"));
        Assert.Equal("Future<Int32> takes a System.Int32, not a System.String. (Parameter 'result')", text.Message);
        Assert.False(future.IsDone);
        var nullable = loop.CreateFuture<string>();
        nullable.SetResult(); // null is a string's default
        Assert.Null(nullable.Result);
        Assert.True(future.TrySetBoxedResult(3));
        Assert.Equal(3, future.Result);
        Assert.Equal(3, ((Future)future).Result);
    }

    [Fact]
    public void SetResult_NoValueOnFutureOfValueType_ThrowsNamingTheTypedOverloadAndStaysPending()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        var error = Assert.Throws<InvalidOperationException>(() => future.SetResult());
        Assert.Contains("SetResult(value)", error.Message, StringComparison.Ordinal);
        Assert.False(future.IsDone);
    }

    [Fact]
    public void SetResult_NoValue_CompletesWithNullAndASecondCallThrows()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        var reference = loop.CreateFuture<string>();
        future.SetResult();
        reference.SetResult();
        Assert.Equal((FutureState.Succeeded, (object?)null, (string?)null), (future.State, future.Result, reference.Result));
        Assert.False(future.TrySetResult());
        Assert.Throws<InvalidOperationException>(() => future.SetResult());
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

    [Fact]
    public void Misuse_MessagesSayWhatWentWrong()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<int>();
        Assert.Equal("Future<Int32> is not done yet: its result is not set.", Assert.Throws<InvalidOperationException>(() => ((Future)future).Result).Message);
        Assert.Equal("Future<Int32> is not done yet: its exception is not set.", Assert.Throws<InvalidOperationException>(() => future.Exception).Message);
        future.SetResult(1);
        Assert.Equal("Future<Int32> is already done (Succeeded): a future completes only once.", Assert.Throws<InvalidOperationException>(() => future.SetResult(2)).Message);
        Assert.Throws<ArgumentNullException>(() => future.AddDoneCallback(null!));
        Assert.Throws<ArgumentNullException>(() => future.RemoveDoneCallback(null!));
    }

    [Fact]
    public void SetFromOutside_OnATask_ThrowsAndLeavesItRunning()
    {
        var messages = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("A task completes when its coroutine does: it cannot be set from outside (cancel it instead).", m));

        static async Coroutine<List<string>> Main()
        {
            var loop = EventLoop.Current;
            var release = loop.CreateFuture();
            var task = loop.CreateTask(SyncWait(release));
            var messages = new List<string>
            {
                Assert.Throws<InvalidOperationException>(() => task.TrySetResult()).Message,
                Assert.Throws<InvalidOperationException>(() => task.TrySetException(new FormatException())).Message,
            };
            Assert.False(task.IsDone);
            release.SetResult();
            await task;
            return messages;
        }

        static async Coroutine SyncWait(Future f) => await f;
    }

    [Fact]
    public void Exception_CanceledOrSucceeded_TheCancellationOrNull()
    {
        using var loop = new EventLoop();
        var canceled = loop.CreateFuture();
        canceled.Cancel("stop");
        Assert.Equal("stop", Assert.IsType<CanceledException>(canceled.Exception).Message);
        Assert.True(canceled.IsCanceled);
        var succeeded = loop.CreateFuture();
        succeeded.SetResult();
        Assert.Null(succeeded.Exception);
        Assert.False(succeeded.IsCanceled);
    }

    [Fact]
    public void RemoveDoneCallback_OnlyOneRegistered_RemovesThatOneOnly()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture();
        var called = new List<string>();
        Action<Future> kept = _ => called.Add("kept");
        Action<Future> removed = _ => called.Add("removed");
        future.AddDoneCallback(kept);
        Assert.Equal(0, future.RemoveDoneCallback(removed)); // another callback is not removed
        var other = loop.CreateFuture();
        other.AddDoneCallback(removed);
        Assert.Equal(1, other.RemoveDoneCallback(removed));
        Assert.Equal(0, other.WaiterEntries);
        future.SetResult();
        other.SetResult();
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Equal(["kept"], called);
    }

    [Fact]
    public void FromAnotherThread_AddingOrCompleting_ThrowsNamingTheCall()
    {
        var messages = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Collection(
            messages,
            m => Assert.StartsWith("AddDoneCallback was called from thread", m, StringComparison.Ordinal),
            m => Assert.StartsWith("RemoveDoneCallback was called from thread", m, StringComparison.Ordinal),
            m => Assert.StartsWith("TrySetResult was called from thread", m, StringComparison.Ordinal),
            m => Assert.StartsWith("TrySetResult was called from thread", m, StringComparison.Ordinal));

        static async Coroutine<List<string>> Main()
        {
            await Coroutine.Yield();
            var future = EventLoop.Current.CreateFuture();
            var done = EventLoop.Current.CreateFuture<int>();
            done.SetResult(1);
            var messages = new List<string>();
            var thread = new Thread(() =>
            {
                messages.Add(Record.Exception(() => future.AddDoneCallback(_ => { }))!.Message);
                messages.Add(Record.Exception(() => future.RemoveDoneCallback(_ => { }))!.Message);
                messages.Add(Record.Exception(() => future.TrySetResult())!.Message);
                messages.Add(Record.Exception(() => done.TrySetResult(2))!.Message); // done already: still refused
            });
            thread.Start();
            thread.Join();
            Assert.False(future.IsDone);
            Assert.Equal(1, done.Result);
            return messages;
        }
    }

    [Fact]
    public void CancelWithWaiter_InitFalse_StaysFalse()
    {
        using var loop = new EventLoop();
        Assert.False(new Future(loop) { CancelWithWaiter = false }.CancelWithWaiter);
        Assert.True(new Future(loop) { CancelWithWaiter = true }.CancelWithWaiter);
        Assert.False(new Future(loop).CancelWithWaiter);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4096)] // the sweep compacts the list back into one chunk
    public void ATaskThatLeftWaitsAgainWhenTheListIsSwept_IsWokenWhereItLastBeganToWait(int others)
    {
        // A waits, then the others; A leaves (its scope times out) and waits again, which sweeps the
        // list: A's first entry goes, and A is woken after the others, once.
        var order = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(Enumerable.Range(0, others).Select(i => $"{i}").Append("A"), order);

        async Coroutine<List<string>> Main()
        {
            var loop = EventLoop.Current;
            var signal = loop.CreateFuture();
            var order = new List<string>();
            var tasks = new List<CoopTask> { loop.CreateTask(Leaver(signal, order)) };
            tasks.AddRange(Enumerable.Range(0, others).Select(i => loop.CreateTask(Stayer($"{i}", signal, order))));
            await Coroutine.Sleep(1);
            Assert.Equal(others + 1, signal.WaiterEntries); // A's first entry swept out
            signal.SetResult();
            foreach (var task in tasks)
            {
                await task;
            }

            return order;
        }

        static async Coroutine Leaver(Future signal, List<string> order)
        {
            await CancelScope.MoveOnAfter(0.5, async _ => await signal);
            await signal;
            order.Add("A");
        }

        static async Coroutine Stayer(string name, Future signal, List<string> order)
        {
            await signal;
            order.Add(name);
        }
    }

    [Fact]
    public void TwoTasksLeftAndWaitAgain_EachWokenOnceWhereItLastBeganToWait()
    {
        // A and B wait, then C; A and B both leave (their scopes time out together) and wait again:
        // both are now behind C. A second task leaving must not hide the first one's stale entry.
        var order = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(["C", "A", "B"], order);

        static async Coroutine<List<string>> Main()
        {
            var loop = EventLoop.Current;
            var signal = loop.CreateFuture();
            var order = new List<string>();
            var tasks = new[] { loop.CreateTask(Leaver("A", signal, order)), loop.CreateTask(Leaver("B", signal, order)), loop.CreateTask(Stayer(signal, order)) };
            await Coroutine.Sleep(1);
            signal.SetResult();
            foreach (var task in tasks)
            {
                await task;
            }

            return order;
        }

        static async Coroutine Leaver(string name, Future signal, List<string> order)
        {
            await CancelScope.MoveOnAfter(0.5, async _ => await signal);
            await signal;
            order.Add(name);
        }

        static async Coroutine Stayer(Future signal, List<string> order)
        {
            await signal;
            order.Add("C");
        }
    }

    [Fact]
    public void AwaitedWithTimeoutsWhileOthersWaitForGood_ListStaysUnderTwiceTheWaitersAndIsSweptRarely()
    {
        // Twelve tasks wait for good; one waits with timeouts again and again. Its stale entries are
        // swept out, so memory stays bounded, but not at every wait (a sweep costs the list's length):
        // the next sweep waits until the list has grown by a quarter, so each wait stays O(1).
        var entries = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        var sweeps = entries.Zip(entries.Skip(1)).Count(p => p.Second < p.First);
        Assert.True(entries.Max() <= 24, $"the list grew to {entries.Max()} entries for 13 waiters");
        Assert.InRange(sweeps, 100, 1000 / 3);

        static async Coroutine<List<int>> Main()
        {
            var loop = EventLoop.Current;
            var signal = loop.CreateFuture();
            var stayers = Enumerable.Range(0, 12).Select(_ => loop.CreateTask(Stayer(signal))).ToList();
            await Coroutine.Yield();
            var entries = new List<int>();
            for (var i = 0; i < 1000; i++)
            {
                await CancelScope.MoveOnAfter(0, async _ => await signal);
                entries.Add(signal.WaiterEntries);
            }

            signal.SetResult();
            foreach (var task in stayers)
            {
                await task;
            }

            return entries;
        }

        static async Coroutine Stayer(Future signal) => await signal;
    }

    [Fact]
    public void CancelWithWaiter_AllItsWaitersCanceledAfterASweep_FutureCanceled()
    {
        // A future made for one wait, shared by several tasks: canceled with the last of them, even
        // when its waiter list was swept in between.
        using var loop = new EventLoop(new VirtualClock());
        var future = new Future(loop) { CancelWithWaiter = true };
        var waiters = Enumerable.Range(0, 4).Select(_ => loop.CreateTask(Wait(future))).ToList();
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        waiters[0].Cancel();
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.False(future.IsDone); // others still wait on it
        waiters.Add(loop.CreateTask(Wait(future))); // the list is full with a stale entry: swept
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.Equal(4, future.WaiterEntries);
        foreach (var task in waiters.Skip(1))
        {
            task.Cancel();
        }

        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(0)));
        Assert.True(future.IsCanceled);
        Assert.All(waiters, t => Assert.True(t.IsCanceled));

        static async Coroutine Wait(Future future) => await future;
    }

    [Fact]
    public void DescribeUnobservedError_FailedAndNeverRead_ReportedWithThatMessage()
    {
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        var unread = loop.CreateFuture();
        unread.SetException(new FormatException("nobody reads me"));
        unread.DescribeUnobservedError("A group's errors were never retrieved");
        var read = loop.CreateFuture();
        read.SetException(new FormatException("read"));
        Assert.IsType<FormatException>(read.Exception);
        read.DescribeUnobservedError("not reported: it was read");
        loop.Close();
        var error = Assert.Single(errors);
        Assert.Equal("A group's errors were never retrieved", error.Message);
        Assert.Same(unread, error.Future);
    }
}
