namespace Coop.Tests.Structure;

public class TaskGroupExceptionTests
{
    [Fact]
    public void New_WithErrors_KeepsThemInOrderAndCountsThem()
    {
        var first = new FormatException("a");
        var second = new InvalidOperationException("b");
        var error = new TaskGroupException([first, second]);

        Assert.Equal([first, second], error.InnerExceptions);
        Assert.Contains("2 errors", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<AggregateException>(error);
    }

    [Fact]
    public void New_WithOneError_SaysOne()
    {
        Assert.Contains("1 error", new TaskGroupException([new FormatException()]).Message, StringComparison.Ordinal);
    }
}
