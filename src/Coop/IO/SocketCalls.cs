// The receive and send the epoll backend makes on a stream or datagram socket's descriptor itself,
// through source-generated P/Invoke (as Epoll.cs does for the poller), instead of through
// System.Net.Sockets.Socket.Receive/Send: on the server's hot path, .NET's socket layer (its
// SafeHandle reference count per call, its checks, the libSystem.Native hop) is a visible share of
// a round trip's user-space CPU (docs/benchmarks.md, "Issue 11"). Only the loop thread calls these,
// and only on sockets its registration owns and has checked are open, so the descriptor cannot be
// closed and reused under a call (the registration closes it, on the same thread).
// Errors keep .NET's face: errno is mapped to the SocketError that .NET's own Receive/Send would
// report (the table of .NET's SocketErrorPal on Linux), so callers build the same SocketException,
// with the same code and message, as a call through Socket would. MSG_DONTWAIT keeps a call
// non-blocking even if user code set the Socket blocking; MSG_NOSIGNAL makes a send to a closed
// peer EPIPE, not SIGPIPE, as .NET's send does.
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Coop.IO;

internal static unsafe partial class SocketCalls
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;

    private const int EAgain = 11; // also EWOULDBLOCK on Linux
    private const int EIntr = 4;

    private const string Libc = "libc";

    /// <summary>One non-blocking recv(2) on <paramref name="descriptor"/>: the count received (0 at
    /// end of stream) with <see cref="SocketError.Success"/>, or -1 and the error (WouldBlock for
    /// EAGAIN), as <see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/> reports it.</summary>
    public static int Receive(int descriptor, Span<byte> buffer, out SocketError error)
    {
        fixed (byte* p = buffer)
        {
            nint n;
            do
            {
                n = Recv(descriptor, p, buffer.Length, MsgDontWait);
            }
            while (Interrupted(n));

            return Outcome(n, out error);
        }
    }

    /// <summary>One non-blocking send(2) on <paramref name="descriptor"/>: the count the kernel took
    /// with <see cref="SocketError.Success"/>, or -1 and the error (WouldBlock for EAGAIN, Shutdown
    /// for EPIPE), as <see cref="Socket.Send(ReadOnlySpan{byte}, SocketFlags, out SocketError)"/>
    /// reports it.</summary>
    public static int Send(int descriptor, ReadOnlySpan<byte> data, out SocketError error)
    {
        fixed (byte* p = data)
        {
            nint n;
            do
            {
                n = SendCall(descriptor, p, data.Length, MsgDontWait | MsgNoSignal);
            }
            while (Interrupted(n));

            return Outcome(n, out error);
        }
    }

    /// <summary>The <see cref="SocketError"/> .NET reports for Linux's <paramref name="errno"/>
    /// (its SocketErrorPal table; an errno it does not list is <see cref="SocketError.SocketError"/>).
    /// The numbers are Linux's generic ones, the same on every architecture .NET runs Linux on.</summary>
    public static SocketError SocketErrorOf(int errno) => errno switch
    {
        0 => SocketError.Success,
        1 => SocketError.AccessDenied,                 // EPERM
        2 => SocketError.AddressNotAvailable,          // ENOENT
        4 => SocketError.Interrupted,                  // EINTR
        6 => SocketError.HostNotFound,                 // ENXIO
        9 => SocketError.OperationAborted,             // EBADF
        EAgain => SocketError.WouldBlock,
        13 => SocketError.AccessDenied,                // EACCES
        14 => SocketError.Fault,                       // EFAULT
        22 => SocketError.InvalidArgument,             // EINVAL
        23 => SocketError.TooManyOpenSockets,          // ENFILE
        24 => SocketError.TooManyOpenSockets,          // EMFILE
        32 => SocketError.Shutdown,                    // EPIPE
        61 => SocketError.NoData,                      // ENODATA
        88 => SocketError.NotSocket,                   // ENOTSOCK
        89 => SocketError.DestinationAddressRequired,  // EDESTADDRREQ
        90 => SocketError.MessageSize,                 // EMSGSIZE
        91 => SocketError.ProtocolType,                // EPROTOTYPE
        92 => SocketError.ProtocolOption,              // ENOPROTOOPT
        93 => SocketError.ProtocolNotSupported,        // EPROTONOSUPPORT
        94 => SocketError.SocketNotSupported,          // ESOCKTNOSUPPORT
        95 => SocketError.OperationNotSupported,       // EOPNOTSUPP (ENOTSUP)
        96 => SocketError.ProtocolFamilyNotSupported,  // EPFNOSUPPORT
        97 => SocketError.AddressFamilyNotSupported,   // EAFNOSUPPORT
        98 => SocketError.AddressAlreadyInUse,         // EADDRINUSE
        99 => SocketError.AddressNotAvailable,         // EADDRNOTAVAIL
        100 => SocketError.NetworkDown,                // ENETDOWN
        101 => SocketError.NetworkUnreachable,         // ENETUNREACH
        102 => SocketError.NetworkReset,               // ENETRESET
        103 => SocketError.ConnectionAborted,          // ECONNABORTED
        104 => SocketError.ConnectionReset,            // ECONNRESET
        105 => SocketError.NoBufferSpaceAvailable,     // ENOBUFS
        106 => SocketError.IsConnected,                // EISCONN
        107 => SocketError.NotConnected,               // ENOTCONN
        108 => SocketError.Disconnecting,              // ESHUTDOWN
        110 => SocketError.TimedOut,                   // ETIMEDOUT
        111 => SocketError.ConnectionRefused,          // ECONNREFUSED
        112 => SocketError.HostDown,                   // EHOSTDOWN
        113 => SocketError.HostUnreachable,            // EHOSTUNREACH
        114 => SocketError.AlreadyInProgress,          // EALREADY
        115 => SocketError.InProgress,                 // EINPROGRESS
        125 => SocketError.OperationAborted,           // ECANCELED
        _ => SocketError.SocketError,
    };

    /// <summary>A signal interrupted the call before it did anything: make it again.</summary>
    private static bool Interrupted(nint result) => result < 0 && Marshal.GetLastPInvokeError() == EIntr;

    private static int Outcome(nint result, out SocketError error)
    {
        if (result >= 0)
        {
            error = SocketError.Success;
            return (int)result;
        }

        error = SocketErrorOf(Marshal.GetLastPInvokeError());
        return -1;
    }

    [LibraryImport(Libc, EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(Libc, EntryPoint = "send", SetLastError = true)]
    private static partial nint SendCall(int fd, byte* buffer, nint length, int flags);
}
