using System.Runtime.InteropServices;

namespace Coop.Tests.Processes;

public class InterruptedExceptionTests
{
    [Fact]
    public void ExitCode_IsTheShellsConvention()
    {
        Assert.Equal(130, new InterruptedException(PosixSignal.SIGINT, null).ExitCode);
        Assert.Equal(143, new InterruptedException(PosixSignal.SIGTERM, null).ExitCode);
    }

    [Fact]
    public void Constructors_DefaultToSigintAndAreCancellations()
    {
        var plain = new InterruptedException();
        var inner = new CanceledException("main");
        var wrapped = new InterruptedException("stopped", inner);

        Assert.Equal(PosixSignal.SIGINT, plain.Signal);
        Assert.Contains("SIGINT (Ctrl+C)", plain.Message, StringComparison.Ordinal);
        Assert.Equal("stopped", wrapped.Message);
        Assert.Same(inner, wrapped.InnerException);
        Assert.IsAssignableFrom<CanceledException>(plain);
        Assert.IsAssignableFrom<OperationCanceledException>(plain);
    }
}
