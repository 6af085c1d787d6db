namespace Coop.Tests.Processes;

public class ProcessOptionsTests
{
    [Fact]
    public void Defaults_InheritEverythingAndGiveFiveSecondsOfGrace()
    {
        var options = new ProcessOptions();

        Assert.Same(ProcessStdio.Inherit, options.Stdin);
        Assert.Same(ProcessStdio.Inherit, options.Stdout);
        Assert.Same(ProcessStdio.Inherit, options.Stderr);
        Assert.True(options.InheritEnvironment);
        Assert.Null(options.Environment);
        Assert.Null(options.WorkingDirectory);
        Assert.Equal(TimeSpan.FromSeconds(5), options.TerminateGracePeriod);
    }

    [Fact]
    public void TerminateGracePeriod_NegativeOrInfinite_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessOptions { TerminateGracePeriod = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessOptions { TerminateGracePeriod = Timeout.InfiniteTimeSpan });
        Assert.Equal(TimeSpan.Zero, new ProcessOptions { TerminateGracePeriod = TimeSpan.Zero }.TerminateGracePeriod);
    }
}
