using Coop.Tests.Properties.Model;
using Coop.Tests.Support;

namespace Coop.Tests.Core;

public class LoopInstrumentTests
{
    private static IEnumerable<object?> YieldsThenReturns(int yields, object? value)
    {
        for (var i = 0; i < yields; i++)
        {
            yield return null;
        }

        yield return Coroutine.Return(value);
    }

    private static IEnumerable<object?> Throws()
    {
        yield return null;
        throw new InvalidOperationException("boom");
    }

    private static IEnumerable<object?> WaitsForever(Future never)
    {
        yield return never;
    }

    [Fact]
    public void TaskDone_CalledOnceForEveryEndingTask_WithItsFinalState()
    {
        var ended = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            loop.ExceptionHandler = (_, _) => { };
            var recorder = new DoneRecorder();
            loop.Instrument = recorder;
            var ok = loop.CreateTask(YieldsThenReturns(3, 42));
            var failed = loop.CreateTask(Throws());
            var canceled = loop.CreateTask(WaitsForever(loop.CreateFuture()));
            JumpClock.RunUntilIdle(loop);
            Assert.DoesNotContain(canceled, recorder.Ended); // still waiting: not done
            canceled.Cancel();
            JumpClock.RunUntilIdle(loop);
            return recorder.Ended.Select(t => (t.Id, t.State, Done: t.IsDone)).ToList();
        });

        Assert.Equal(3, ended.Count);
        Assert.All(ended, e => Assert.True(e.Done, "TaskDone sees a task whose future is complete"));
        Assert.Equal(
            [FutureState.Failed, FutureState.Succeeded, FutureState.Canceled],
            ended.Select(e => e.State));
    }

    [Fact]
    public void StepHooks_OnlyWhenOverridden_AndSeeEveryStep()
    {
        var (steps, dones) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var counter = new StepCounter();
            loop.Instrument = counter;
            loop.CreateTask(YieldsThenReturns(4, null)); // 5 steps: 4 yields, then the return
            JumpClock.RunUntilIdle(loop);
            return (counter.Before + counter.After, counter.Done);
        });

        Assert.Equal(10, steps);
        Assert.Equal(1, dones);
    }

    [Fact]
    public void Instrument_ReplacedWhileRunning_NewOneSeesTheNextSteps()
    {
        var (first, second) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var a = new StepCounter();
            var b = new StepCounter();
            loop.Instrument = a;
            loop.CreateTask(YieldsThenReturns(4, null));
            loop.CallSoon(() => loop.Instrument = b); // runs after the first step, in the same pass
            JumpClock.RunUntilIdle(loop);
            return (a.Before, b.Before);
        });

        Assert.Equal(1, first);
        Assert.Equal(4, second);
    }

    [Theory]
    [InlineData("TaskCreated")]
    [InlineData("BeforeTaskStep")]
    [InlineData("AfterTaskStep")]
    [InlineData("TaskDone")]
    public void Instrument_ThatThrows_IsReportedWithTheTask_AndTasksRunOn(string failingHook)
    {
        var (results, reports) = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var reports = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => reports.Add(e);
            loop.Instrument = new Throwing(failingHook);
            var first = loop.CreateTask(YieldsThenReturns(2, "a"));
            var second = loop.CreateTask(YieldsThenReturns(2, "b"));
            JumpClock.RunUntilIdle(loop);
            return (new[] { first.Result, second.Result }, reports);
        });

        Assert.Equal(["a", "b"], results);
        Assert.NotEmpty(reports);
        Assert.All(reports, r =>
        {
            Assert.Equal("The loop instrument threw in " + failingHook, r.Message);
            Assert.IsType<FormatException>(r.Exception);
            Assert.NotNull(r.Task);
        });
    }

    private sealed class Throwing(string hook) : LoopInstrument
    {
        public override void TaskCreated(CoopTask task) => ThrowIf(nameof(TaskCreated));

        public override void BeforeTaskStep(CoopTask task) => ThrowIf(nameof(BeforeTaskStep));

        public override void AfterTaskStep(CoopTask task) => ThrowIf(nameof(AfterTaskStep));

        public override void TaskDone(CoopTask task) => ThrowIf(nameof(TaskDone));

        private void ThrowIf(string name)
        {
            if (name == hook)
            {
                throw new FormatException("instrument bug in " + name);
            }
        }
    }

    private sealed class DoneRecorder : LoopInstrument
    {
        public List<CoopTask> Ended { get; } = [];

        public override void TaskDone(CoopTask task) => Ended.Add(task);
    }

    private sealed class StepCounter : LoopInstrument
    {
        public int Before { get; private set; }

        public int After { get; private set; }

        public int Done { get; private set; }

        public override void BeforeTaskStep(CoopTask task) => Before++;

        public override void AfterTaskStep(CoopTask task) => After++;

        public override void TaskDone(CoopTask task) => Done++;
    }
}
