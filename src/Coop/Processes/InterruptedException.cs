using System.Runtime.InteropServices;

namespace Coop;

/// <summary>Thrown by <c>EventLoop.Run</c> when the program was interrupted: a SIGINT (Ctrl+C) or
/// SIGTERM canceled the main coroutine, which ended canceled (asyncio's <c>KeyboardInterrupt</c> out of
/// <c>asyncio.run</c>). Everything has been cleaned up by then: the main coroutine's and every task's
/// <c>finally</c> blocks ran, and the loop is closed.</summary>
/// <remarks>Left uncaught, it ends the process the way the signal would have without Coop: killed by
/// that signal, so a shell sees exit status 130 (SIGINT) or 143 (SIGTERM), with no stack trace. Catch
/// it to do more first, and return <see cref="ExitCode"/> from <c>Main</c>. It is a
/// <see cref="CanceledException"/>, so code that catches cancellations catches it too. docs/io.md,
/// "Ctrl+C and SIGTERM", has what a program sees at each step.</remarks>
public sealed class InterruptedException : CanceledException
{
    /// <summary>Creates the exception for an interrupt by SIGINT.</summary>
    public InterruptedException()
        : this(PosixSignal.SIGINT, null)
    {
    }

    /// <summary>Creates the exception for an interrupt by SIGINT, with a message.</summary>
    public InterruptedException(string? message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception for an interrupt by SIGINT, with a message and the cancellation
    /// that ended the main coroutine.</summary>
    public InterruptedException(string? message, Exception? innerException)
        : base(message ?? MessageFor(PosixSignal.SIGINT), innerException)
    {
        Signal = PosixSignal.SIGINT;
    }

    /// <summary>Creates the exception for an interrupt by <paramref name="signal"/>.</summary>
    /// <param name="signal">SIGINT or SIGTERM.</param>
    /// <param name="innerException">The cancellation that ended the main coroutine.</param>
    public InterruptedException(PosixSignal signal, Exception? innerException)
        : base(MessageFor(signal), innerException)
    {
        Signal = signal;
    }

    /// <summary>The signal that interrupted the program.</summary>
    public PosixSignal Signal { get; }

    /// <summary>The conventional exit status for a program ended by <see cref="Signal"/>: 128 plus its
    /// number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode => 128 + Processes.SignalNumbers.ToNumber(Signal);

    private static string MessageFor(PosixSignal signal) =>
        $"The program was interrupted by {Processes.SignalNumbers.Name(signal)}{(signal == PosixSignal.SIGINT ? " (Ctrl+C)" : "")}: its main coroutine was canceled and ended canceled.";
}
