using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

public class CoroutineSmokeTests
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
    public void Run_NestedAwaitChain_ReturnsThroughEveryFrame()
    {
        var result = Bounded.Run(() => EventLoop.Run(Chain(10_000, 3)));
        Assert.Equal(10_003, result);
    }

    [Fact]
    public void Run_Sleep_CompletesAfterDeadline()
    {
        async Coroutine<double> Main()
        {
            var loop = EventLoop.RunningLoop;
            var start = loop.Time();
            await Coroutine.Sleep(0.05);
            return loop.Time() - start;
        }

        var elapsed = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(elapsed >= 0.05, $"woke after {elapsed}");
    }

    [Fact]
    public void Cancel_TaskSleeping_RaisesAtAwaitAndEndsCancelled()
    {
        var sawCancel = false;
        async Coroutine Sleeper()
        {
            try
            {
                await Coroutine.Sleep(100);
            }
            catch (CancelledException)
            {
                sawCancel = true;
                throw;
            }
        }

        async Coroutine Main()
        {
            var task = EventLoop.RunningLoop.CreateTask(Sleeper());
            await Coroutine.Yield();
            task.Cancel();
            try
            {
                await task;
                Assert.Fail("awaiting a cancelled task must throw");
            }
            catch (CancelledException)
            {
                Assert.True(task.IsCancelled);
            }
        }

        Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(sawCancel);
    }

    [Fact]
    public void Await_BclTask_ResumesOnLoopThread()
    {
        async Coroutine<bool> Main()
        {
            var thread = Environment.CurrentManagedThreadId;
            await Task.Delay(10);
            return thread == Environment.CurrentManagedThreadId;
        }

        Assert.True(Bounded.Run(() => EventLoop.Run(Main())));
    }
}
