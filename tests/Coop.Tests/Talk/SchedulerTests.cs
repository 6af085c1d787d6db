using Coop.Tests.Support;

namespace Coop.Tests.Talk;

public class SchedulerTests
{
    private static IEnumerable<object?> Count(int n)
    {
        for (var i = 0; i < n; i++)
        {
            yield return null;
        }

        yield return Coroutine.Return(n);
    }

    [Fact]
    public void RunToCompletion_TwoTasks_InterleavesRoundRobin()
    {
        var trace = new StringWriter();
        var scheduler = new Scheduler(trace);
        var a = scheduler.Add(Count(2));
        var b = scheduler.Add(Count(1));
        Bounded.Run(scheduler.RunToCompletion);

        var expected = string.Join(Environment.NewLine,
            $"Running task {a}...Now yielded",
            $"Running task {b}...Now yielded",
            $"Running task {a}...Now yielded",
            $"Running task {b}...Completed with result: 1",
            $"Running task {a}...Completed with result: 2",
            "");
        Assert.Equal(expected, trace.ToString());
        Assert.Equal(2, scheduler.CompletedTaskResults[a]);
        Assert.Equal(1, scheduler.CompletedTaskResults[b]);
    }
}
