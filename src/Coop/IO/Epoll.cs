// The Linux system calls the epoll backend makes, through source-generated P/Invoke (LibraryImport:
// no runtime marshalling stub, blittable arguments only). Nothing else in Coop calls the C library.
// struct epoll_event is packed on x86-64 (12 bytes: events at 0, data at 4) and naturally aligned
// elsewhere (16 bytes: data at 8), so events are read and written by offset, not through a struct.
using System.Runtime.InteropServices;

namespace Coop.IO;

internal static unsafe partial class Epoll
{
    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Err = 0x008;
    public const uint Hup = 0x010;
    public const uint RdHup = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    public const int CtlAdd = 1;
    public const int CtlDel = 2;
    public const int CtlMod = 3;

    public const int CloseOnExec = 0x80000;  // EPOLL_CLOEXEC, EFD_CLOEXEC (O_CLOEXEC)
    public const int NonBlocking = 0x800;    // EFD_NONBLOCK (O_NONBLOCK)

    public const int EIntr = 4;
    public const int ENoSys = 38;

    private const string Libc = "libc";

    /// <summary>Bytes per struct epoll_event, and where its data field is.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epfd, byte* events, int maxEvents, int timeoutMs);

    /// <summary>epoll_wait with a nanosecond timeout (Linux 5.11, glibc 2.35).</summary>
    [LibraryImport(Libc, EntryPoint = "epoll_pwait2", SetLastError = true)]
    public static partial int WaitPrecise(int epfd, byte* events, int maxEvents, Timespec* timeout, void* sigmask);

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Adds, changes or removes <paramref name="fd"/>'s interest; returns errno (0 on success).</summary>
    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + DataOffset) = data;
        return Control(epfd, op, fd, ev) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
