using Coop.Tests.Support;

namespace Coop.Tests.Coroutines;

public class CoroutineTests
{
    private static async Coroutine<int> Leaf(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        return yields;
    }

    private static async Coroutine<int> Chain(int depth, int yields) =>
        depth == 0 ? await Leaf(yields) : await Chain(depth - 1, yields) + 1;

    [Fact]
    public void Call_CoroutineMethod_CreatesWithoutStarting()
    {
        var ran = false;
        async Coroutine Body()
        {
            ran = true;
            await Coroutine.Yield();
        }

        var coroutine = Body();
        Assert.False(ran); // cold start: docs/design.md
        Assert.False(coroutine.IsStarted);
        Assert.False(coroutine.IsCompleted);

        using var loop = new EventLoop();
        var task = loop.CreateTask(coroutine);
        Assert.False(ran); // a task starts it on the loop's next iteration
        Bounded.Run(() => loop.RunUntilComplete(task));
        Assert.True(ran);
        Assert.True(coroutine.IsStarted && coroutine.IsCompleted);
    }

    [Fact]
    public void Await_Coroutine_RunsInsideTheAwaitingTaskInTheSameStep()
    {
        async Coroutine<bool> Main()
        {
            var task = CoopTask.Current;
            var iteration = EventLoop.Current.Iterations;
            var inner = Inner(task);
            var sameTask = await inner;
            return sameTask && EventLoop.Current.Iterations == iteration;
        }

        static async Coroutine<bool> Inner(CoopTask? outer)
        {
            await Task.CompletedTask;
            return CoopTask.Current == outer;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_NestedChain100000Deep_BuiltAndUnwoundWithoutGrowingTheStack()
    {
        // Each await starts its callee from the task's trampoline, not inside the caller's MoveNext:
        // built by nested calls, a chain overflowed the stack (an uncatchable crash) between 20,000 and
        // 30,000 deep on a default thread stack.
        Assert.Equal(100_003, Bounded.Run(() => EventLoop.Run(Chain(100_000, 3))));
    }

    [Fact]
    public void Await_Twice_ThrowsClearError()
    {
        async Coroutine<string> Main()
        {
            var once = Leaf(1);
            await once;
            try
            {
                await once;
                return "no error";
            }
            catch (InvalidOperationException ex)
            {
                return ex.Message;
            }
        }

        var message = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Contains("already awaited", message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTask_CoroutineAlreadyAwaited_ThrowsClearError()
    {
        using var loop = new EventLoop();
        var coroutine = Leaf(0);
        loop.CreateTask(coroutine);
        var ex = Assert.Throws<InvalidOperationException>(() => loop.CreateTask(coroutine));
        Assert.Contains("fresh coroutine", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Await_OutsideAnyTask_TheAwaitThrowsAClearError()
    {
        // An ordinary async method, no loop running: the await itself fails (the process must not
        // see an exception escape to the thread pool) and the coroutine never runs.
        static async Task<int> AwaitOutsideAnyLoop(Coroutine<int> coroutine) => await coroutine;

        var ran = false;
        async Coroutine<int> Body()
        {
            ran = true;
            await Coroutine.Yield();
            return 1;
        }

        var task = AwaitOutsideAnyLoop(Body());
        Assert.True(task.IsFaulted, "the await fails at once, synchronously");
        var ex = Assert.IsType<InvalidOperationException>(task.Exception?.InnerException);
        Assert.Contains("runs inside a Coop task", ex.Message, StringComparison.Ordinal);
        Assert.False(ran);
    }

    [Fact]
    public void Await_FromOrdinaryAsyncCodeInsideAGeneratorTask_TheAwaitThrowsAClearError()
    {
        // A generator's step resumes only iterators: the coroutine would be lost at its first
        // suspension (and its continuation would overwrite the generator's frames).
        var ran = false;
        async Coroutine<int> Body()
        {
            ran = true;
            await Coroutine.Yield();
            return 1;
        }

        static async Task<int> Ordinary(Coroutine<int> coroutine) => await coroutine;

        Task<int>? ordinary = null;
        IEnumerable<object?> Generator()
        {
            yield return Coroutine.Call<int>(Inner()); // a frame above the task's own iterator
        }

        IEnumerable<object?> Inner()
        {
            ordinary = Ordinary(Body());
            yield return null;
            yield return Coroutine.Return(2);
        }

        var result = Bounded.Run(() => EventLoop.Run(Generator()));
        Assert.Null(result);
        Assert.True(ordinary!.IsFaulted, "the await fails at once, synchronously");
        var ex = Assert.IsType<InvalidOperationException>(ordinary.Exception?.InnerException);
        Assert.Contains("generator task", ex.Message, StringComparison.Ordinal);
        Assert.Contains("loop.CreateTask(coroutine)", ex.Message, StringComparison.Ordinal);
        Assert.False(ran);
    }

    [Fact]
    public void Exception_PropagatesThroughAwaitsWithItsType()
    {
        static async Coroutine<int> Thrower()
        {
            await Coroutine.Yield();
            throw new FormatException("deep");
        }

        static async Coroutine<int> Middle() => await Thrower() + 1;

        var ex = Bounded.Run(() => Assert.Throws<FormatException>(() => EventLoop.Run(Middle())));
        Assert.Equal("deep", ex.Message);
    }

    [Fact]
    public void Sleep_ResumesAfterTheDeadline()
    {
        async Coroutine<double> Main()
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            await Coroutine.Sleep(0.05);
            return loop.Time() - start;
        }

        var elapsed = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(elapsed >= 0.05, $"woke after {elapsed}");
    }

    [Fact]
    public void Sleep_OutsideALoop_ThrowsClearError()
    {
        Assert.Throws<InvalidOperationException>(() => Coroutine.Sleep(1));
    }

    [Fact]
    public void Sleep_TaskCanceled_TimerIsCanceledToo()
    {
        using var loop = new EventLoop();
        Future? sleep = null;
        async Coroutine Body()
        {
            sleep = Coroutine.Sleep(1000);
            await sleep;
        }

        var task = loop.CreateTask(Body());
        loop.CallLater(0.001, () => task.Cancel());
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.True(sleep!.IsCanceled);
    }

    [Fact]
    public void Yield_TwoTasks_Interleave()
    {
        var log = new List<string>();
        async Coroutine Worker(string name)
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add(name + i);
                await Coroutine.Yield();
            }
        }

        async Coroutine Main()
        {
            var a = EventLoop.Current.CreateTask(Worker("a"));
            var b = EventLoop.Current.CreateTask(Worker("b"));
            await a;
            await b;
        }

        Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], log);
    }

    [Fact]
    public void Await_CompletedFutureTaskOrCoroutine_AllocatesNothing()
    {
        async Coroutine<long> Main()
        {
            var loop = EventLoop.Current;
            var future = loop.CreateFuture<int>();
            future.SetResult(1);
            var task = loop.CreateTask(Leaf(0));
            await task;
            var coroutines = new Coroutine<int>[1000];
            for (var i = 0; i < coroutines.Length; i++)
            {
                coroutines[i] = Leaf(0); // the box is per call, made before measuring
            }

            // Warm up every kind of await once: the first await on an awaiter type classifies it
            // (a static made once per type, KernelAwaiterKind), which is not a per-await cost.
            var sum = await Leaf(0) + await loop.CreateTask(Leaf(0));
            for (var i = 0; i < 10; i++)
            {
                sum += await future;
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                sum += await future;
                sum += await task;
                sum += await coroutines[i];
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(1000, sum - 10);
            return allocated;
        }

        Assert.Equal(0, Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_YieldOrPendingFutureRepeatedly_AllocatesNothingPerSuspension()
    {
        async Coroutine<long> Main()
        {
            var loop = EventLoop.Current;
            var futures = new Future<int>[1000];
            for (var i = 0; i < futures.Length; i++)
            {
                futures[i] = loop.CreateFuture<int>();
            }

            var before = 0L;
            for (var i = 0; i < 1000; i++)
            {
                if (i == 1)
                {
                    // Measure from the second round: the first makes the coroutine's resume delegate
                    // and the static callback's delegate, once.
                    before = GC.GetAllocatedBytesForCurrentThread();
                }

                await Coroutine.Yield();
                loop.Schedule(static f => ((Future<int>)f!).SetResult(1), futures[i]);
                await futures[i];
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_BclTaskDelay_ResumesOnTheLoopThread()
    {
        async Coroutine<bool> Main()
        {
            var thread = Environment.CurrentManagedThreadId;
            await Task.Delay(10);
            return thread == Environment.CurrentManagedThreadId && CoopTask.Current != null;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_ConfigureAwaitFalse_StillResumesOnTheLoopThread()
    {
        async Coroutine<bool> Main()
        {
            var thread = Environment.CurrentManagedThreadId;
            var value = await Task.Run(() => 5).ConfigureAwait(false);
            return value == 5 && thread == Environment.CurrentManagedThreadId;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_PendingValueTask_ResumesOnTheLoopThreadWithItsResult()
    {
        static async ValueTask<int> Slow()
        {
            await Task.Delay(5).ConfigureAwait(false);
            return 9;
        }

        async Coroutine<bool> Main()
        {
            var thread = Environment.CurrentManagedThreadId;
            var value = await Slow();
            var sync = await new ValueTask<int>(3); // complete: no suspension
            return value == 9 && sync == 3 && thread == Environment.CurrentManagedThreadId;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_FailedBclTask_ThrowsItsException()
    {
        static async Coroutine<string> Main()
        {
            try
            {
                await Task.Run(() => throw new FormatException("from the pool"));
                return "no error";
            }
            catch (FormatException ex)
            {
                return ex.Message;
            }
        }

        Assert.Equal("from the pool", Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void OrdinaryAsyncTaskCode_CalledFromACoroutine_ResumesOnTheLoopThread()
    {
        static async Task<bool> Helper(int loopThread)
        {
            await Task.Delay(5); // the loop is the SynchronizationContext: resumes on its thread
            var afterDelay = Environment.CurrentManagedThreadId == loopThread;
            await Coroutine.Sleep(0.001); // a Coop future awaited by BCL code
            return afterDelay && Environment.CurrentManagedThreadId == loopThread;
        }

        async Coroutine<bool> Main() => await Helper(Environment.CurrentManagedThreadId);

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_CoroutineFromAsyncTaskCodeThatSuspends_FailsClearlyInsteadOfHanging()
    {
        static async Coroutine<int> Sleeps()
        {
            await Coroutine.Sleep(0.01);
            return 1;
        }

        static async Coroutine<int> Yields()
        {
            await Coroutine.Yield();
            return 1;
        }

        static async Task<int> Helper(Func<Coroutine<int>> inner) => await inner();

        static async Coroutine<int> Main(Func<Coroutine<int>> inner) => await Helper(inner);

        foreach (var inner in new Func<Coroutine<int>>[] { Sleeps, Yields })
        {
            var ex = Bounded.Run(() => Assert.Throws<InvalidOperationException>(() => EventLoop.Run(Main(inner))));
            Assert.Contains("loop.CreateTask(coroutine)", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Await_CoroutineThatEndsAtOnceFromAsyncTaskCode_ResultInTheSameStep()
    {
        // Ordinary async code goes on after its await, so the coroutine runs to its end inside it.
        static async Coroutine<int> Quick()
        {
            await Task.CompletedTask;
            return 5;
        }

        static async Task<int> Helper() => await Quick() + 1;

        static async Coroutine<(int, bool)> Main()
        {
            var iteration = EventLoop.Current.Iterations;
            var value = await Helper();
            return (value, EventLoop.Current.Iterations == iteration);
        }

        Assert.Equal((6, true), Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Await_CoroutineFromAsyncTaskCodeViaCreateTask_Works()
    {
        static async Coroutine<int> Inner()
        {
            await Coroutine.Sleep(0.01);
            return 7;
        }

        static async Task<int> Helper() => await EventLoop.Current.CreateTask(Inner());

        static async Coroutine<int> Main() => await Helper();

        Assert.Equal(7, Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Run_LeftoverTasks_CanceledAndAwaitedBeforeRunReturns()
    {
        var log = new List<string>();
        async Coroutine Leftover()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            finally
            {
                log.Add("leftover finally");
            }
        }

        async Coroutine<string> Main()
        {
            _ = EventLoop.Current.CreateTask(Leftover());
            await Coroutine.Yield();
            return "main done";
        }

        Assert.Equal("main done", Bounded.Run(() => EventLoop.Run(Main())));
        Assert.Equal(["leftover finally"], log);
    }

    [Fact]
    public void Run_MainFails_ThrowsItsExceptionAndStillCancelsLeftovers()
    {
        var canceled = false;
        async Coroutine Leftover()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                canceled = true;
                throw;
            }
        }

        async Coroutine Main()
        {
            _ = EventLoop.Current.CreateTask(Leftover());
            await Coroutine.Yield();
            throw new FormatException("main failed");
        }

        Bounded.Run(() => Assert.Throws<FormatException>(() => EventLoop.Run(Main())));
        Assert.True(canceled);
    }

    [Fact]
    public void Run_WithLogger_LeftoverFailureDuringShutdownIsLogged()
    {
        var logger = new ListLogger();
        async Coroutine Stubborn()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                throw new FormatException("failed while canceled");
            }
        }

        async Coroutine Main()
        {
            _ = EventLoop.Current.CreateTask(Stubborn());
            await Coroutine.Yield();
        }

        Bounded.Run(() => EventLoop.Run(Main(), logger: logger));
        Assert.Equal("failed while canceled", Assert.Single(logger.Entries).Exception?.Message);
    }

    [Fact]
    public void Run_LeftoverFailsEarlyDuringShutdown_ReportedOnce()
    {
        var logger = new ListLogger();
        async Coroutine FailsOnCancel()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            catch (CanceledException)
            {
                throw new FormatException("first");
            }
        }

        async Coroutine SlowToStop()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            finally
            {
                await Coroutine.Sleep(0.02); // keeps the shutdown going for more iterations
            }
        }

        async Coroutine Main()
        {
            _ = EventLoop.Current.CreateTask(FailsOnCancel());
            _ = EventLoop.Current.CreateTask(SlowToStop());
            await Coroutine.Yield();
        }

        Bounded.Run(() => EventLoop.Run(Main(), logger: logger));
        Assert.Equal("first", Assert.Single(logger.Entries).Exception?.Message);
    }
}
