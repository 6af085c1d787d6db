// .NET's PosixSignal and Linux's signal numbers. PosixSignal names ten signals with negative values
// of its own (SIGTERM is -4) and takes any other signal as its raw, positive number cast to the enum
// ((PosixSignal)9 is SIGKILL): that is .NET's convention, kept here for the signals a child can die of.
// The numbers are Linux's on x86 and ARM (glibc and the kernel agree); the process layer runs on Linux.
using System.Runtime.InteropServices;

namespace Coop.Processes;

internal static class SignalNumbers
{
    private static readonly string[] s_names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The platform's number for <paramref name="signal"/>.</summary>
    public static int ToNumber(PosixSignal signal) => (int)signal switch
    {
        -1 => 1,   // SIGHUP
        -2 => 2,   // SIGINT
        -3 => 3,   // SIGQUIT
        -4 => 15,  // SIGTERM
        -5 => 17,  // SIGCHLD
        -6 => 18,  // SIGCONT
        -7 => 28,  // SIGWINCH
        -8 => 21,  // SIGTTIN
        -9 => 22,  // SIGTTOU
        -10 => 20, // SIGTSTP
        > 0 and <= 64 => (int)signal,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal,
            "Not a signal: use a PosixSignal member, or a raw signal number from 1 to 64 cast to PosixSignal ((PosixSignal)9 is SIGKILL)."),
    };

    /// <summary>The PosixSignal for platform signal <paramref name="number"/>: a named member where
    /// there is one, else the raw number. (By value: some members are marked unsupported on Windows,
    /// which never gets here.)</summary>
    public static PosixSignal FromNumber(int number) => (PosixSignal)(number switch
    {
        1 => -1,
        2 => -2,
        3 => -3,
        15 => -4,
        17 => -5,
        18 => -6,
        28 => -7,
        21 => -8,
        22 => -9,
        20 => -10,
        _ => number,
    });

    /// <summary>"SIGKILL" for (PosixSignal)9 and for PosixSignal.SIGTERM's 15 alike.</summary>
    public static string Name(PosixSignal signal)
    {
        var number = ToNumber(signal);
        return number < s_names.Length ? s_names[number] : $"signal {number}";
    }
}
