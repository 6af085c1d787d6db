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
}
