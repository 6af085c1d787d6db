using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Coop.Processes;

namespace Coop.Tests.Processes;

[UnsupportedOSPlatform("windows")]
public class SignalNumbersTests
{
    [Theory]
    [InlineData(PosixSignal.SIGHUP, 1)]
    [InlineData(PosixSignal.SIGINT, 2)]
    [InlineData(PosixSignal.SIGQUIT, 3)]
    [InlineData(PosixSignal.SIGTERM, 15)]
    [InlineData(PosixSignal.SIGCHLD, 17)]
    [InlineData(PosixSignal.SIGCONT, 18)]
    [InlineData(PosixSignal.SIGWINCH, 28)]
    [InlineData(PosixSignal.SIGTTIN, 21)]
    [InlineData(PosixSignal.SIGTTOU, 22)]
    [InlineData(PosixSignal.SIGTSTP, 20)]
    public void NamedMembers_MapToLinuxNumbersAndBack(PosixSignal signal, int number)
    {
        Assert.Equal(number, SignalNumbers.ToNumber(signal));
        Assert.Equal(signal, SignalNumbers.FromNumber(number));
        Assert.Equal(signal.ToString(), SignalNumbers.Name(signal));
    }

    [Fact]
    public void RawNumbers_StayRaw()
    {
        Assert.Equal(9, SignalNumbers.ToNumber((PosixSignal)9));
        Assert.Equal((PosixSignal)9, SignalNumbers.FromNumber(9));
        Assert.Equal("SIGKILL", SignalNumbers.Name((PosixSignal)9));
        Assert.Equal("SIGTERM", SignalNumbers.Name((PosixSignal)15));
        Assert.Equal("signal 40", SignalNumbers.Name((PosixSignal)40));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(-11)]
    public void NotASignal_ThrowsArgumentOutOfRange(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalNumbers.ToNumber((PosixSignal)value));
    }
}
