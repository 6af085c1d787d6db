using Coop.Tests.Support;

namespace Coop.Tests.Core;

/// <summary>EventLoop.Run's shutdown (EventLoop.Tasks.cs, CancelLeftoverTasks).</summary>
public class EventLoopShutdownTests
{
    [Fact]
    public void Run_ChildFailsInTheStepMainEnds_ErrorIsReportedNotDropped()
    {
        static async Coroutine Throws()
        {
            await Task.CompletedTask; // completes synchronously: no suspension
            throw new FormatException("late");
        }

        static async Coroutine Main()
        {
            _ = EventLoop.RunningLoop.CreateTask(Throws(), "late");
            await Coroutine.Yield(); // the child fails in the same pass as main ends
        }

        var errors = new StringWriter();
        var previous = Console.Error;
        Console.SetError(errors);
        try
        {
            Bounded.Run(() => EventLoop.Run(Main()));
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains("late", errors.ToString(), StringComparison.Ordinal);
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
}
