namespace Coop.Tests.Futures;

public class CanceledExceptionTests
{
    [Fact]
    public void Message_NoneGiven_SaysTheOperationWasCanceled()
    {
        const string Default = "The operation was canceled.";
        var inner = new TimeoutException();
        Assert.Equal(Default, new CanceledException().Message);
        Assert.Equal(Default, new CanceledException(null).Message);
        Assert.Equal(Default, new CanceledException(null, inner).Message);
        Assert.Same(inner, new CanceledException(null, inner).InnerException);
        Assert.Equal("stop", new CanceledException("stop").Message);
        Assert.Equal("stop", new CanceledException("stop", inner).Message);
        Assert.IsAssignableFrom<OperationCanceledException>(new CanceledException());
    }
}
