using System.Runtime.InteropServices;
using System.Text;

namespace Coop.Tests.Processes;

public class ProcessResultTests
{
    [Fact]
    public void EnsureSuccess_ExitCodeZero_ReturnsTheResult()
    {
        var result = new ProcessResult("true", 0, null, null, null);

        Assert.Same(result, result.EnsureSuccess());
        Assert.True(result.Succeeded);
        Assert.Equal("", result.StdoutText);
        Assert.Equal("'true' exited with code 0", result.ToString());
    }

    [Fact]
    public void EnsureSuccess_NonZeroExitCode_ThrowsCarryingTheResult()
    {
        var result = new ProcessResult("false", 1, null, null, null);

        var error = Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());
        Assert.Same(result, error.Result);
        Assert.Equal("'false' exited with code 1.", error.Message);
    }

    [Fact]
    public void EnsureSuccess_EndedBySignal_FailsAndNamesTheSignal()
    {
        var result = new ProcessResult("sleep 30", 143, PosixSignal.SIGTERM, null, null);

        Assert.False(result.Succeeded);
        Assert.Equal("'sleep 30' was ended by SIGTERM (exit code 143)", result.ToString());
        Assert.Equal(PosixSignal.SIGTERM, Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess()).Signal);
    }

    [Fact]
    public void ProcessFailedException_LongStderr_MessageKeepsItsEnd()
    {
        var stderr = Encoding.UTF8.GetBytes(new string('x', 5000) + "the last words\n");
        var error = new ProcessFailedException(new ProcessResult("tool", 2, null, null, stderr));

        Assert.EndsWith("the last words", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("'tool' exited with code 2. Its standard error:", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 2200);
        Assert.Same(stderr, error.Stderr);
    }
}
