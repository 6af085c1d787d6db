using Coop.Tests.Properties.Model;
using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

public class CoopTaskGeneratorTests
{
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
            loop.SetExceptionHandler((_, e) => errors.Add(e));

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
    // task is cancelled) must fail the task, not escape the loop's step and leave the task Running.
    [Fact]
    public void Step_FinallyThrowsOnReturn_TaskFailsWithThatErrorAndCallersAreDisposed()
    {
        var log = new List<string>();
        var (state, error) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var reports = new List<LoopError>();
            loop.SetExceptionHandler((_, e) => reports.Add(e));

            IEnumerable<object?> Inner()
            {
                try
                {
                    yield return Coroutine.Return(1);
                }
                finally
                {
                    log.Add("inner finally");
#pragma warning disable CA2219 // the point of the test: user code whose finally block throws
                    throw new ProgramException("from finally");
#pragma warning restore CA2219
                }
            }

            IEnumerable<object?> Outer()
            {
                try
                {
                    yield return Inner();
                    log.Add("outer resumed");
                }
                finally
                {
                    log.Add("outer finally");
                }
            }

            var task = loop.CreateTask(Outer());
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
            loop.SetExceptionHandler((_, _) => { });

            IEnumerable<object?> Inner()
            {
                try
                {
                    yield return loop.Sleep(10);
                }
                finally
                {
                    log.Add("inner finally");
#pragma warning disable CA2219 // the point of the test: user code whose finally block throws
                    throw new ProgramException("from finally");
#pragma warning restore CA2219
                }
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

            var task = loop.CreateTask(Outer());
            loop.CallSoon(() => loop.CallSoon(() => task.Cancel()));
            JumpClock.RunUntilIdle(loop);
            return (task.State, task.IsDone ? task.Exception : null);
        });

        Assert.Equal(FutureState.Failed, state);
        Assert.Equal("from finally", error?.Message);
        Assert.Equal(["inner finally", "outer finally"], log);
    }
}
