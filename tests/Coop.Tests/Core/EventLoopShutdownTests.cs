using Coop.Tests.Support;

namespace Coop.Tests.Core;

/// <summary>EventLoop.Run's shutdown (EventLoop.Tasks.cs, CancelLeftoverTasks).</summary>
public class EventLoopShutdownTests
{
    [Fact]
    public void Run_ChildFailsInTheStepMainEnds_ErrorIsReportedNotDropped()
    {
        var errors = new StringWriter();
        var previous = Console.Error;
        Console.SetError(errors);
        try
        {
            Bounded.Run(() => EventLoop.Run(ChildFailingAsMainEnds.Program()));
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains("late", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Close_TasksStillPending_EachReportedOnceAndForgotten(bool generator)
    {
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        var never = loop.CreateFuture();
        var finallyRan = false;
        var waiting = generator ? loop.CreateTask(WaitsForeverGenerator()) : loop.CreateTask(WaitsForever());
        var ready = loop.CreateTask(WaitsForever());
        Bounded.Run(() => loop.RunUntilComplete(loop.Sleep(1)));
        ready.Cancel(); // canceled but not yet run: still pending, made ready
        loop.Close();

        Assert.Collection(
            errors,
            e =>
            {
                Assert.Same(waiting, e.Task);
                Assert.Null(e.Exception);
                Assert.StartsWith("Task was destroyed but it is pending", e.Message, StringComparison.Ordinal);
                Assert.Contains("waiting on Future", e.Message, StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Same(ready, e.Task);
                Assert.Contains("ready to run", e.Message, StringComparison.Ordinal);
            });
        Assert.Empty(loop.AllTasks());
        Assert.False(finallyRan); // Close runs no task code
        Assert.False(waiting.IsDone);

        async Coroutine WaitsForever()
        {
            try
            {
                await never;
            }
            finally
            {
                finallyRan = true;
            }
        }

        IEnumerable<object?> WaitsForeverGenerator()
        {
            try
            {
                yield return never;
            }
            finally
            {
                finallyRan = true;
            }
        }
    }

    [Fact]
    public void Run_TasksStillPendingWhenMainEnds_CanceledAndTheirFinallyBlocksRunBeforeClose()
    {
        var finallyRan = false;
        var logger = new ListLogger();
        Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock(), logger));
        Assert.True(finallyRan);
        Assert.Empty(logger.Entries); // nothing left pending to report

        async Coroutine Main()
        {
            _ = EventLoop.Current.CreateTask(Forever());
            await Coroutine.Yield();
        }

        async Coroutine Forever()
        {
            try
            {
                await Coroutine.Sleep(3600);
            }
            finally
            {
                finallyRan = true;
            }
        }
    }

    [Fact]
    public void Stop_BeforeRun_RunsOneIterationThenReturns()
    {
        using var loop = new EventLoop(new VirtualClock());
        var ran = new List<int>();
        loop.CallSoon(() =>
        {
            ran.Add(1);
            loop.CallSoon(() => ran.Add(2));
        });
        loop.Stop();
        Bounded.Run(loop.RunForever);
        Assert.Equal([1], ran);
    }

    [Fact]
    public void CancelLeftoverTasks_ALeftoverFailsAsItIsCanceled_ReportedOnceAsAShutdownError()
    {
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        CoopTask? leftover = null;
        Bounded.Run(() =>
        {
            loop.RunUntilComplete(Main());
            loop.CancelLeftoverTasks();
        });
        loop.Close();

        var error = Assert.Single(errors);
        Assert.Contains("while the loop was shutting down", error.Message, StringComparison.Ordinal);
        Assert.Same(leftover, error.Task);
        Assert.IsType<FormatException>(error.Exception);

        async Coroutine Main()
        {
            leftover = EventLoop.Current.CreateTask(FailsWhenCanceled());
            await Coroutine.Yield();
        }
    }

    [Fact]
    public void CancelLeftoverTasks_ALeftoversFailureReadByAnother_NotReported()
    {
        // Its failure was read (awaited, then logged), so it was handled: nothing to report.
        var loop = new EventLoop(new VirtualClock());
        var errors = Errors.Capture(loop);
        string? logged = null;
        Bounded.Run(() =>
        {
            loop.RunUntilComplete(Main());
            loop.CancelLeftoverTasks();
        });
        loop.Close();

        Assert.Empty(errors);
        Assert.Equal("cleanup failed", logged);

        async Coroutine Main()
        {
            var failing = EventLoop.Current.CreateTask(FailsWhenCanceled());
            _ = EventLoop.Current.CreateTask(Reader(failing));
            await Coroutine.Yield();
        }

        async Coroutine Reader(CoopTask failing)
        {
            try
            {
                await Coroutine.Sleep(3600);
            }
            catch (CanceledException)
            {
                Assert.True(failing.IsDone); // canceled first, it ran first
                Assert.Throws<FormatException>(() => failing.Result);
                logged = failing.Exception!.Message;
                throw;
            }
        }
    }

    private static async Coroutine FailsWhenCanceled()
    {
        try
        {
            await Coroutine.Sleep(3600);
        }
        catch (CanceledException)
        {
            throw new FormatException("cleanup failed");
        }
    }
}
