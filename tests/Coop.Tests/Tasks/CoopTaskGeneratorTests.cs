using Coop.Tests.Properties.Model;
using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

public class CoopTaskGeneratorTests
{
    private static IEnumerable<object?> Counter(string name, int steps, List<string> log)
    {
        for (var i = 0; i < steps; i++)
        {
            log.Add($"{name}{i}");
            yield return null;
        }
    }

    [Fact]
    public void YieldNull_TwoGenerators_TakeTurns()
    {
        using var loop = new EventLoop();
        var log = new List<string>();
        loop.CreateTask(Counter("a", 3, log));
        var b = loop.CreateTask(Counter("b", 3, log));
        Bounded.Run(() => loop.RunUntilComplete(b));
        Assert.Equal(["a0", "b0", "a1", "b1", "a2", "b2"], log);
    }

    [Fact]
    public void Return_EndsTheGeneratorWithAValue()
    {
        using var loop = new EventLoop();
        static IEnumerable<object?> Body()
        {
            yield return null;
            yield return Coroutine.Return("value");
            throw new InvalidOperationException("never reached");
        }

        Assert.Equal("value", Bounded.Run(() => EventLoop.Run(Body())));
    }

    [Fact]
    public void YieldFrom_CallOfT_CallerReadsTheInnerResult()
    {
        static IEnumerable<object?> Inner(int x)
        {
            yield return null;
            yield return Coroutine.Return(x * 2);
        }

        static IEnumerable<object?> Outer()
        {
            var call = Coroutine.Call<int>(Inner(21));
            yield return call;
            yield return Coroutine.Return(call.Result);
        }

        Assert.Equal(42, Bounded.Run(() => EventLoop.Run(Outer())));
    }

    [Fact]
    public void YieldFrom_PlainGenerator_RunsInline()
    {
        var log = new List<string>();
        IEnumerable<object?> Outer()
        {
            log.Add("before");
            yield return Counter("inner", 2, log);
            log.Add("after");
        }

        Bounded.Run(() => EventLoop.Run(Outer()));
        Assert.Equal(["before", "inner0", "inner1", "after"], log);
    }

    [Fact]
    public void YieldSleep_WaitsOnATimerWithoutSpinning()
    {
        static IEnumerable<object?> Body()
        {
            var loop = EventLoop.Current;
            var start = loop.Iterations;
            yield return Coroutine.Sleep(0.05);
            yield return Coroutine.Return(loop.Iterations - start);
        }

        var iterations = (long)Bounded.Run(() => EventLoop.Run(Body()))!;
        Assert.True(iterations < 20, $"{iterations} iterations while sleeping");
    }

    [Fact]
    public void YieldFuture_ParksUntilItCompletes()
    {
        using var loop = new EventLoop();
        var future = loop.CreateFuture<string>();
        IEnumerable<object?> Body()
        {
            yield return future;
            yield return Coroutine.Return(future.Result + "!");
        }

        var task = loop.CreateTask(Body());
        loop.CallLater(0.01, () =>
        {
            Assert.Equal(CoopTaskStatus.Waiting, task.Status);
            future.SetResult("woken");
        });
        Assert.Equal("woken!", Bounded.Run(() => loop.RunUntilComplete(task)));
    }

    [Fact]
    public void YieldUnsupported_TaskFailsNamingTheType()
    {
        static IEnumerable<object?> Body()
        {
            yield return 42;
        }

        var ex = Bounded.Run(() => Assert.Throws<InvalidOperationException>(() => EventLoop.Run(Body())));
        Assert.Contains("System.Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InnerThrows_OuterFinallyRunsAndTaskFailsWithOriginal()
    {
        var log = new List<string>();
        IEnumerable<object?> Inner()
        {
            yield return null;
            throw new FormatException("inner");
        }

        IEnumerable<object?> Outer()
        {
            try
            {
                yield return Inner();
            }
            finally
            {
                log.Add("outer finally");
            }
        }

        var ex = Bounded.Run(() => Assert.Throws<FormatException>(() => EventLoop.Run(Outer())));
        Assert.Equal("inner", ex.Message);
        Assert.Equal(["outer finally"], log);
    }

    [Fact]
    public void Cancel_ParkedGenerator_DisposedInnermostFirstAndEndsCanceled()
    {
        using var loop = new EventLoop();
        var log = new List<string>();
        IEnumerable<object?> Inner()
        {
            try
            {
                yield return Coroutine.Sleep(1000);
            }
            finally
            {
                log.Add("inner finally");
            }
        }

        IEnumerable<object?> Outer()
        {
            try
            {
                yield return Inner();
                log.Add("not reached");
            }
            finally
            {
                log.Add("outer finally");
            }
        }

        var task = loop.CreateTask(Outer());
        loop.CallLater(0.01, () => task.Cancel());
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.Equal(["inner finally", "outer finally"], log);
        Assert.True(task.IsCanceled);
        Assert.Empty(loop.AllTasks());
    }

    [Fact]
    public void Call_YieldedTwice_FailsWithClearError()
    {
        static IEnumerable<object?> Body()
        {
            var call = Coroutine.Call<int>(Inner());
            yield return call;
            yield return call;
        }

        static IEnumerable<object?> Inner()
        {
            yield return Coroutine.Return(1);
        }

        var ex = Bounded.Run(() => Assert.Throws<InvalidOperationException>(() => EventLoop.Run(Body())));
        Assert.Contains("already yielded", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("typed")]
    [InlineData("object")]
    public void Call_ReturnTypedOrUntyped_ResultReadsBackAsEachTypeAllows(string how)
    {
        static IEnumerable<object?> Inner(string how)
        {
            yield return how == "typed" ? Coroutine.Return(5) : Coroutine.Return((object)5);
        }

        static IEnumerable<object?> Outer(string how)
        {
            var asInt = Coroutine.Call<int>(Inner(how));
            yield return asInt;
            var asObject = Coroutine.Call<object>(Inner(how));
            yield return asObject;
            var asNullable = Coroutine.Call<int?>(Inner(how));
            yield return asNullable;
            var asLong = Coroutine.Call<long>(Inner(how));
            yield return asLong;
            var wrongType = Assert.Throws<InvalidCastException>(() => asLong.Result);
            yield return Coroutine.Return($"{asInt.Result} {asObject.Result} {asNullable.Result} {wrongType.Message}");
        }

        var result = (string)Bounded.Run(() => EventLoop.Run(Outer(how)))!;
        Assert.StartsWith("5 5 5 The inner coroutine returned a System.Int32, not a System.Int64", result, StringComparison.Ordinal);
    }

    [Fact]
    public void Return_TypedValue_IsAReturnValueThatShowsItsValue()
    {
        var returned = Coroutine.Return(42);
        Assert.Equal(42, returned.Value);
        Assert.Equal("Return(42)", returned.ToString());
        Assert.Null(Coroutine.Return(null).Value);
    }

    [Fact]
    public void Call_ResultReadBeforeYield_ThrowsClearError()
    {
        var call = Coroutine.Call<int>(Array.Empty<object?>());
        Assert.Contains("has not run yet", Assert.Throws<InvalidOperationException>(() => call.Result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitedByAsyncCoroutine_GeneratorTaskResultFlowsBack()
    {
        static IEnumerable<object?> Gen()
        {
            yield return Coroutine.Sleep(0.001);
            yield return Coroutine.Return(7);
        }

        static async Coroutine<int> Main()
        {
            var task = EventLoop.Current.CreateTask(Gen());
            await task;
            return (int)task.ResultObject!;
        }

        Assert.Equal(7, Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Cancel_ReadyGenerator_DisposedAtItsNextStep()
    {
        using var loop = new EventLoop();
        var log = new List<string>();
        IEnumerable<object?> Spinner()
        {
            try
            {
                while (true)
                {
                    log.Add("step");
                    yield return null;
                }
            }
            finally
            {
                log.Add("finally");
            }
        }

        var task = loop.CreateTask(Spinner());
        loop.CallSoon(() => task.Cancel());
        Bounded.Run(() => Assert.Throws<CanceledException>(() => loop.RunUntilComplete(task)));
        Assert.Equal(["step", "finally"], log);
    }

    private static IEnumerable<object?> YieldTwice(Future future, List<string> log)
    {
        log.Add("first");
        yield return future;
        log.Add("second");
        yield return future;
        log.Add("after");
        yield return Coroutine.Return(future.ResultObject);
    }

    [Fact]
    public void Step_YieldsFutureAlreadyDone_ContinuesWithoutParking()
    {
        var log = new List<string>();
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var done = loop.CreateFuture();
            done.SetResultObject(42);
            return loop.RunUntilComplete(YieldTwice(done, log));
        });

        Assert.Equal(42, result);
        Assert.Equal(["first", "second", "after"], log);
    }

    [Fact]
    public void Step_YieldsFutureAlreadyFailed_RaisesItsErrorInTheFrame()
    {
        static IEnumerable<object?> ReadFailed(Future failed)
        {
            yield return failed;
            yield return Coroutine.Return(failed.ResultObject); // throws the future's error
        }

        var error = Assert.Throws<InvalidOperationException>(() => Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var failed = loop.CreateFuture();
            failed.SetException(new InvalidOperationException("boom"));
            loop.RunUntilComplete(ReadFailed(failed));
        }));

        Assert.Equal("boom", error.Message);
    }

    // Found while extending the task property to generator tasks: a generator that yielded a future
    // already done registered on it and waited for a completion that had already happened.
    [Fact]
    public void Step_GeneratorYieldsCompletedFuture_ContinuesInTheSameStep()
    {
        var (state, result, steps) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var done = loop.CreateFuture<int>();
            done.SetResult(5);

            IEnumerable<object?> Reader()
            {
                yield return done;
                yield return Coroutine.Return(done.Result + 1);
            }

            var counter = new StepCounter();
            loop.Instrument = counter;
            var task = loop.CreateTask(Reader());
            JumpClock.RunUntilIdle(loop);
            return (task.State, task.IsDone ? task.ResultObject : null, counter.Steps);
        });

        Assert.Equal((FutureState.Succeeded, (object?)6, 1), (state, result, steps));
    }

    [Fact]
    public void Step_GeneratorYieldsItsOwnTask_FailsWithAClearError()
    {
        var (state, error) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var errors = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => errors.Add(e);

            IEnumerable<object?> Self()
            {
                yield return CoopTask.Current;
            }

            var task = loop.CreateTask(Self());
            JumpClock.RunUntilIdle(loop);
            return (task.State, task.IsDone ? task.Exception : null);
        });

        Assert.Equal(FutureState.Failed, state);
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("awaits itself", error!.Message, StringComparison.Ordinal);
    }

    private sealed class StepCounter : LoopInstrument
    {
        public int Steps { get; private set; }

        public override void BeforeTaskStep(CoopTask task) => Steps++;
    }

    // A finally block that throws while Coop disposes a frame (on Coroutine.Return, or when the
    // task is canceled) must fail the task, not escape the loop's step and leave the task Running.
    [Fact]
    public void Step_FinallyThrowsOnReturn_TaskFailsWithThatErrorAndCallersAreDisposed()
    {
        var log = new List<string>();
        var (state, error) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var reports = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => reports.Add(e);

            var task = loop.CreateTask(CallerLoggingFinally(log, FinallyThrows(log, () => Coroutine.Return(1))));
            JumpClock.RunUntilIdle(loop);
            Assert.DoesNotContain(reports, r => r.Task == null); // not an "exception in callback"
            return (task.State, task.IsDone ? task.Exception : null);
        });

        Assert.Equal(FutureState.Failed, state);
        Assert.Equal("from finally", error?.Message);
        Assert.Equal(["inner finally", "outer finally"], log);
    }

    [Fact]
    public void Cancel_InnerFinallyThrows_EveryFrameIsStillDisposedAndTheTaskEnds()
    {
        var log = new List<string>();
        var (state, error) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            loop.ExceptionHandler = (_, _) => { };

            var task = loop.CreateTask(CallerLoggingFinally(log, FinallyThrows(log, () => loop.Sleep(10))));
            loop.CallSoon(() => loop.CallSoon(() => task.Cancel()));
            JumpClock.RunUntilIdle(loop);
            return (task.State, task.IsDone ? task.Exception : null);
        });

        Assert.Equal(FutureState.Failed, state);
        Assert.Equal("from finally", error?.Message);
        Assert.Equal(["inner finally", "outer finally"], log);
    }

    // Yields what step makes (when the generator first runs, as a local iterator would), then its finally
    private static IEnumerable<object?> Effect(List<string> log, string name)
    {
        log.Add(name);
        yield return null;
        log.Add(name + " again");
    }

    [Fact]
    public void CreateTask_SameGeneratorObjectTwice_SecondRefusedAndTheBodyRunsOnce()
    {
        using var loop = new EventLoop();
        var log = new List<string>();
        var generator = Effect(log, "g");
        var first = loop.CreateTask(generator);
        var refused = Assert.Throws<InvalidOperationException>(() => loop.CreateTask(generator));
        Assert.Contains("already started", refused.Message, StringComparison.Ordinal);
        Assert.Single(loop.AllTasks());
        Bounded.Run(() => loop.RunUntilComplete(first));
        Assert.Equal(["g", "g again"], log);
    }

    [Fact]
    public void CreateTask_GeneratorFinishedBefore_Refused()
    {
        var log = new List<string>();
        var generator = Effect(log, "g");
        Bounded.Run(() => EventLoop.Run(generator));
        Assert.Throws<InvalidOperationException>(() => Bounded.Run(() => EventLoop.Run(generator)));
        Assert.Equal(["g", "g again"], log);
    }

    [Theory]
    [InlineData("yield from")]
    [InlineData("Call")]
    [InlineData("CreateTask then yield from")]
    public void YieldFrom_SameGeneratorObjectTwice_TaskFailsWithAClearErrorAndTheBodyRanOnce(string how)
    {
        var log = new List<string>();
        var error = Bounded.Run(() => Record.Exception(() => EventLoop.Run(Outer())));
        Assert.Contains("already started", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
        Assert.Equal(["inner", "inner again"], log);

        IEnumerable<object?> Outer()
        {
            var inner = Effect(log, "inner");
            switch (how)
            {
                case "yield from":
                    yield return inner;
                    yield return inner;
                    break;
                case "Call":
                    yield return Coroutine.Call<object?>(inner);
                    yield return Coroutine.Call<object?>(inner);
                    break;
                default:
                    yield return EventLoop.Current.CreateTask(inner);
                    yield return inner;
                    break;
            }
        }
    }

    [Fact]
    public void CreateTask_GeneratorMadeOnAnotherThread_RunsOnceThenRefused()
    {
        // An iterator first enumerated on a thread other than its maker's hands out a copy even the
        // first time: that start must be allowed, and a second one still refused.
        IEnumerable<object?>? generator = null;
        var log = new List<string>();
        var maker = new Thread(() => generator = Effect(log, "g"));
        maker.Start();
        maker.Join();
        Bounded.Run(() => EventLoop.Run(generator!));
        Assert.Throws<InvalidOperationException>(() => Bounded.Run(() => EventLoop.Run(generator!)));
        Assert.Equal(["g", "g again"], log);
    }

    [Fact]
    public void CreateTask_SameListTwice_AllowedAsItHasNoBodyToRunTwice()
    {
        // Not a compiler-made iterator: enumerating it again runs no code twice, so it is not refused.
        object?[] steps = [null, null];
        Bounded.Run(() => EventLoop.Run(steps));
        Bounded.Run(() => EventLoop.Run(steps));
    }

    // block logs "inner finally" and throws ProgramException("from finally"), however the generator ends.
    private static IEnumerable<object?> FinallyThrows(List<string> log, Func<object?> step)
    {
        try
        {
            yield return step();
        }
        finally
        {
            log.Add("inner finally");
#pragma warning disable CA2219 // the point of the tests: user code whose finally block throws
            throw new ProgramException("from finally");
#pragma warning restore CA2219
        }
    }

    // Calls inner with yield from; logs "outer resumed" if inner ever returns to it, "outer finally" when disposed.
    private static IEnumerable<object?> CallerLoggingFinally(List<string> log, IEnumerable<object?> inner)
    {
        try
        {
            yield return inner;
            log.Add("outer resumed");
        }
        finally
        {
            log.Add("outer finally");
        }
    }
}
