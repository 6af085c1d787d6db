// The C library calls the process layer makes on Linux, through source-generated P/Invoke
// (LibraryImport, blittable arguments only), as IO/Epoll.cs does for the poller: posix_spawn and its
// attributes, pipe2, the pidfd calls, waitid, kill, and signal/raise for a process that must end by
// the signal it received.
// glibc's posix_spawn_file_actions_t and posix_spawnattr_t are opaque structs whose sizes differ
// between C libraries (80 and 336 bytes on glibc x86-64); SpawnBuffers gives each far more room than
// any of them needs and lets the library's own init functions fill it.
// pidfd_open and pidfd_send_signal go through syscall(2) rather than glibc's wrappers, which only
// glibc 2.36 has: their numbers (434, 424) are the same on every Linux architecture.
using System.Runtime.InteropServices;

namespace Coop.Processes;

internal static unsafe partial class Posix
{
    public const int ENoEnt = 2;
    public const int ESrch = 3;
    public const int EIntr = 4;
    public const int EAcces = 13;
    public const int EChild = 10;
    public const int ENoExec = 8;
    public const int ENoSys = 38;

    public const int SigKill = 9;
    public const int SigPipe = 13;
    public const int SigTerm = 15;

    public const int OCloseOnExec = 0x80000;

    public const short SpawnSetSigDefault = 0x04;
    public const short SpawnSetSigMask = 0x08;

    public const int PPidFd = 3;       // waitid's idtype for a pidfd (Linux 5.4)
    public const int WExited = 4;
    public const int WNoHang = 1;

    public const int CldExited = 1;    // siginfo_t.si_code for a child that called exit
    public const int CldKilled = 2;    // ... ended by a signal
    public const int CldDumped = 3;    // ... ended by a signal, with a core dump

    /// <summary>Bytes given to each opaque spawn struct and to a sigset_t or siginfo_t.</summary>
    public const int OpaqueSize = 1024;

    private const string Libc = "libc";
    private const long SysPidFdSendSignal = 424;
    private const long SysPidFdOpen = 434;

    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    public static partial int Spawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    /// <summary>glibc 2.29, musl 1.1.24: the child changes directory before it executes.</summary>
    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    public static partial int FileActionsAddChdir(void* fileActions, byte* path);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_init")]
    public static partial int AttributesInit(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttributesDestroy(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttributesSetSigDefault(void* attributes, void* signals);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttributesSetSigMask(void* attributes, void* signals);

    [LibraryImport(Libc, EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* set);

    [LibraryImport(Libc, EntryPoint = "sigaddset")]
    public static partial int SigAddSet(void* set, int signal);

    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    /// <summary>A close-on-exec duplicate of <paramref name="fd"/>, or -1 with errno set.</summary>
    public static int DuplicateCloseOnExec(int fd) =>
        Fcntl(fd, OperatingSystem.IsLinux() ? 1030 : OperatingSystem.IsMacOS() ? 67 : 17, 0); // F_DUPFD_CLOEXEC

    /// <summary>Sets O_APPEND on <paramref name="fd"/> (Linux's numbers), so that every write of the
    /// child goes to the end of the file; 0, or -1 with errno set.</summary>
    public static int SetAppend(int fd)
    {
        var flags = Fcntl(fd, 3, 0); // F_GETFL
        return flags < 0 ? -1 : Fcntl(fd, 4, flags | 0x400); // F_SETFL, O_APPEND
    }

    [LibraryImport(Libc, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* info, int options);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "signal")]
    public static partial nint Signal(int signal, nint handler);

    [LibraryImport(Libc, EntryPoint = "raise")]
    public static partial int Raise(int signal);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d);

    /// <summary>A descriptor for process <paramref name="pid"/> (Linux 5.3), or -1 with errno set.</summary>
    public static int PidFdOpen(int pid) => (int)Syscall(SysPidFdOpen, pid, 0, 0, 0);

    /// <summary>Sends <paramref name="signal"/> to the process of <paramref name="pidFd"/> (Linux
    /// 5.1): never to a process that reused its id. 0, or -1 with errno set.</summary>
    public static int PidFdSendSignal(int pidFd, int signal) => (int)Syscall(SysPidFdSendSignal, pidFd, signal, 0, 0);

    /// <summary>Reads siginfo_t's si_code, si_pid and si_status (Linux's layout: the union starts at
    /// byte 16 on 64-bit, byte 12 on 32-bit).</summary>
    public static (int Code, int Pid, int Status) ReadChildInfo(byte* info)
    {
        var union = IntPtr.Size == 8 ? 16 : 12;
        return (*(int*)(info + 8), *(int*)(info + union), *(int*)(info + union + 8));
    }
}
