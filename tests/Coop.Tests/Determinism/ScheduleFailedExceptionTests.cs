namespace Coop.Tests.Determinism;

public class ScheduleFailedExceptionTests
{
    [Fact]
    public void PublicConstructors_KeepMessageAndInner_WithoutResult()
    {
        var inner = new InvalidOperationException("x");
        var error = new ScheduleFailedException("m", inner);
        Assert.Same(inner, error.InnerException);
        Assert.Null(error.Result);
        Assert.Equal("m", new ScheduleFailedException("m").Message);
        Assert.NotEmpty(new ScheduleFailedException().Message);
        Assert.Same(inner, new ScheduleViolationException("v", inner).InnerException);
        Assert.NotEmpty(new ScheduleViolationException().Message);
    }
}
