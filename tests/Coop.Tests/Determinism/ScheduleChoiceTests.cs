namespace Coop.Tests.Determinism;

public class ScheduleChoiceTests
{
    [Fact]
    public void ToString_Deviation_ReadsAsWhatRanBeforeWhat()
    {
        var choice = new ScheduleChoice(12, 1, 2, "task 'B'", "task 'A'");
        Assert.True(choice.IsDeviation);
        Assert.Equal("step 12: ran task 'B' before task 'A' (choice 1 of 2)", choice.ToString());
    }

    [Fact]
    public void ToString_FifoChoice_SaysFifo()
    {
        var choice = new ScheduleChoice(3, 0, 4, "task 'A'", "task 'A'");
        Assert.False(choice.IsDeviation);
        Assert.Equal("step 3: ran task 'A' (FIFO, 4 ready)", choice.ToString());
    }
}
