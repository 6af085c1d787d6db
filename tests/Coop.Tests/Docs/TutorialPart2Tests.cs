using Coop.Tests.Support;

namespace Coop.Tests.Docs;

/// <summary>The examples of docs/tutorial.md (part 2), run as written (Console replaced by a writer).</summary>
public class TutorialPart2Tests
{
    [Fact]
    public void TheLoopItself_Example_PrintsTheTwoTimersAndStops()
    {
        var output = new StringWriter();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            loop.CallSoon(() => output.WriteLine("next iteration"));
            loop.CallLater(0.5, () => output.WriteLine("half a second later"));
            var handle = loop.CallAt(loop.Time() + 1, () => output.WriteLine("never printed"));
            handle.Cancel();
            loop.CallLater(0.6, loop.Stop);
            loop.RunForever();
        });
        Assert.Equal("next iteration\nhalf a second later\n", output.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Instruments_Example_PrintsTheTaskEndWithItsStepCount()
    {
        var output = new StringWriter();
        Bounded.Run(() =>
        {
            IEnumerable<object?> ThreeYields()
            {
                for (var i = 0; i < 3; i++)
                {
                    yield return null;
                }
            }

            using var loop = new EventLoop { Instrument = new StepCounter(output) };
            loop.RunUntilComplete(loop.CreateTask(ThreeYields(), "three"));
        });
        Assert.Equal("three ended Succeeded after 3 steps in all", output.ToString().Trim());
    }

    private sealed class StepCounter(TextWriter console) : LoopInstrument
    {
        public int Steps { get; private set; }

        public override void AfterTaskStep(CoopTask task) => Steps++;

        public override void TaskDone(CoopTask task) =>
            console.WriteLine($"{task.Name} ended {task.State} after {Steps} steps in all");
    }

    [Fact]
    public void Futures_Example_ConsumerReadsTheAnswer()
    {
        var output = new StringWriter();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var answer = loop.CreateFuture<int>();
            loop.CallLater(0.1, () => answer.SetResult(42));

            IEnumerable<object?> Consumer(Future<int> answer)
            {
                yield return answer;
                output.WriteLine($"The answer is {answer.Result}");
            }

            loop.RunUntilComplete(loop.CreateTask(Consumer(answer)));
        });
        Assert.Equal("The answer is 42", output.ToString().Trim());
    }

    [Fact]
    public void Cancellation_Example_CleansUpThenReportsTheMessage()
    {
        var output = new StringWriter();
        async Coroutine Worker()
        {
            try
            {
                await Coroutine.Sleep(1000);
            }
            finally
            {
                await Coroutine.Sleep(0.1);
                output.WriteLine("cleaned up");
            }
        }

        async Coroutine Main()
        {
            var task = EventLoop.Current.CreateTask(Worker());
            await Coroutine.Sleep(0.1);
            task.Cancel("not needed any more");
            try
            {
                await task;
            }
            catch (CanceledException ex)
            {
                output.WriteLine($"canceled: {ex.Message}");
            }
        }

        Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal("cleaned up\ncanceled: not needed any more\n", output.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Threads_Example_ResultCompletedOnTheLoopThread()
    {
        var result = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var done = loop.CreateFuture<string>();
            ThreadPool.QueueUserWorkItem(_ =>
            {
                var text = "read on a pool thread";
                loop.CallSoonThreadsafe(() => done.SetResult(text));
            });
            return loop.RunUntilComplete(done);
        });
        Assert.Equal("read on a pool thread", result);
    }
}
