using System.Net.Sockets;
using Coop.IO;

namespace Coop.Tests.IO;

/// <summary>The direct receive and send keep .NET's errors: errno maps to the SocketError .NET's own
/// Socket.Receive/Send would report.</summary>
public class SocketCallsTests
{
    [Theory]
    [InlineData(11, SocketError.WouldBlock)]        // EAGAIN
    [InlineData(104, SocketError.ConnectionReset)]  // ECONNRESET
    [InlineData(32, SocketError.Shutdown)]          // EPIPE
    [InlineData(107, SocketError.NotConnected)]     // ENOTCONN
    [InlineData(110, SocketError.TimedOut)]         // ETIMEDOUT
    [InlineData(9, SocketError.OperationAborted)]   // EBADF
    [InlineData(12, SocketError.SocketError)]       // ENOMEM: .NET lists no SocketError for it
    [InlineData(9999, SocketError.SocketError)]
    public void SocketErrorOf_Errno_IsDotnetsSocketError(int errno, SocketError expected) =>
        Assert.Equal(expected, SocketCalls.SocketErrorOf(errno));

    [Fact]
    public void SocketErrorOf_EveryMappedErrno_AgreesWithDotnetsReverseMapping()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the errno numbers are Linux's
        }

        // .NET maps a SocketError back to one errno (SocketException.NativeErrorCode): whichever
        // errno of a SocketError that is, the table must give that SocketError for it.
        var mapped = 0;
        for (var errno = 1; errno < 256; errno++)
        {
            var error = SocketCalls.SocketErrorOf(errno);
            if (error == SocketError.SocketError)
            {
                continue;
            }

            mapped++;
            var back = new SocketException((int)error).NativeErrorCode;
            if (back <= 0)
            {
                continue; // .NET has no errno for this SocketError (HostNotFound: a resolver's error)
            }

            Assert.True(SocketCalls.SocketErrorOf(back) == error, $"errno {errno} maps to {error}, which .NET maps back to errno {back}, which maps to {SocketCalls.SocketErrorOf(back)}");
        }

        Assert.Equal(41, mapped);
    }
}
