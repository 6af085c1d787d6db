namespace Coop.Tests.Determinism;

public class ScheduleRunTests
{
    private static ScheduleChoice Choice(int step, int index) => new(step, index, 2, index == 0 ? "task 'A'" : "task 'B'", "task 'A'");

    [Fact]
    public void Choices_TrailingFifoChoices_AreTrimmed()
    {
        var run = new ScheduleRun(7, [Choice(1, 0), Choice(2, 1), Choice(3, 0), Choice(4, 0)], [], null, 10, TimeSpan.Zero);
        Assert.Equal([0, 1], run.Choices);
        Assert.Equal("[0, 1]", run.ChoicesAsCode);
        Assert.Single(run.Deviations);
        Assert.False(run.Failed);
        Assert.Contains("step 2: ran task 'B' before task 'A'", run.DescribeDeviations(), StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeDeviations_PlainFifo_SaysSo()
    {
        var run = new ScheduleRun(null, [Choice(1, 0)], [], new InvalidOperationException("x"), 3, TimeSpan.FromSeconds(1));
        Assert.Empty(run.Choices);
        Assert.Contains("plain FIFO", run.DescribeDeviations(), StringComparison.Ordinal);
        Assert.StartsWith("failed: InvalidOperationException", run.ToString(), StringComparison.Ordinal);
    }
}
