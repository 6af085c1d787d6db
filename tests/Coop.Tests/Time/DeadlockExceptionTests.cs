namespace Coop.Tests.Time;

public class DeadlockExceptionTests
{
    [Fact]
    public void For_LoopWithoutTasks_SaysTheFutureCanNeverComplete()
    {
        using var loop = new EventLoop(new VirtualClock());
        var never = loop.CreateFuture();
        var error = Assert.Throws<DeadlockException>(() => loop.RunUntilComplete(never));
        Assert.Contains("no task is alive", error.Message, StringComparison.Ordinal);
        Assert.Empty(error.BlockedTasks);
    }

    [Fact]
    public void Constructors_KeepMessageAndInner()
    {
        var inner = new InvalidOperationException("x");
        Assert.Same(inner, new DeadlockException("m", inner).InnerException);
        Assert.Equal("m", new DeadlockException("m").Message);
        Assert.Contains("Deadlock", new DeadlockException().Message, StringComparison.Ordinal);
    }
}
