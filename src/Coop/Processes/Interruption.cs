// How EventLoop.Run answers Ctrl+C and SIGTERM, as asyncio's Runner does since Python 3.11 (with
// SIGTERM treated like SIGINT, which asyncio leaves to the default action):
// 1. the first SIGINT or SIGTERM cancels the main task: the program sees a CanceledException at the
//    await point where its main coroutine waits, and its finally blocks run; the signal's default
//    action is canceled;
// 2. when main ends canceled, Run cancels and finishes the tasks left, closes the loop and throws
//    InterruptedException; uncaught, that ends the process by the same signal (exit status 130 or
//    143), as .NET does by default for Ctrl+C and as CPython does for an uncaught KeyboardInterrupt,
//    so that a shell script running the program stops too;
// 3. a second SIGINT or SIGTERM, or the first one once main is done, is not canceled: .NET's default
//    action ends the process at once, killed by that signal.
// docs/io.md, "Ctrl+C and SIGTERM", has the table of what a program sees.
// The decision for each signal is made on .NET's signal thread, because only there can the default
// action still be canceled; canceling the main task is posted to the loop.
// A program that handles SIGINT or SIGTERM itself (loop.AddSignalHandler) replaces this handling for
// that signal.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Coop.Core;

namespace Coop.Processes;

internal sealed class Interruption : MainGuard
{
    private static int s_hookInstalled;

    private readonly CoopTask _main;
    private readonly List<SignalSubscription> _subscriptions = new();
    private int _count;
    private int _signal; // the platform number of the first signal, 0 while none came

    private Interruption(CoopTask main)
    {
        _main = main;
    }

    /// <summary>Hands EventLoop.Run (a kernel method, which cannot name this layer) the way to make one.</summary>
#pragma warning disable CA2255 // the runtime installs its own kernel hook; no user code is involved
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InstallHook() => Factory = Install;

    /// <summary>The signal that interrupted the program, once one did.</summary>
    public PosixSignal? Signal => Volatile.Read(ref _signal) is var number and > 0 ? SignalNumbers.FromNumber(number) : null;

    /// <summary>Handles SIGINT and SIGTERM on <paramref name="loop"/> while Run runs
    /// <paramref name="main"/> (nothing where .NET cannot handle them).</summary>
    public static Interruption Install(EventLoop loop, CoopTask main)
    {
        var interruption = new Interruption(main);
        if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser() || OperatingSystem.IsWasi())
        {
            return interruption; // a process cannot end "by a signal" there
        }

        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            var subscription = new SignalSubscription(loop, signal, interruption.OnSignal);
            interruption._subscriptions.Add(subscription);
            loop.SetSignalSubscription(SignalNumbers.ToNumber(signal), subscription);
        }

        if (Interlocked.Exchange(ref s_hookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += static (_, e) =>
            {
                if (e.ExceptionObject is InterruptedException interrupted)
                {
                    EndBy(interrupted);
                }
            };
        }

        return interruption;
    }

    /// <summary>Ends the process by the interrupting signal, with its default action: what the signal
    /// would have done without Coop. Falls back to exiting with the conventional code.</summary>
    public static void EndBy(InterruptedException interrupted)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        var number = SignalNumbers.ToNumber(interrupted.Signal);
        _ = Posix.Signal(number, 0); // SIG_DFL, bypassing .NET's handler
        _ = Posix.Raise(number);
        Environment.Exit(interrupted.ExitCode);
    }

    /// <summary>The cancellation that ended main, when a signal caused it.</summary>
    private CanceledException? _mainCanceled;

    public override bool Interrupted => Signal != null;

    public override void MainCanceled(CanceledException canceled) => _mainCanceled = canceled;

    /// <summary>If a signal ended main: closes the loop, then throws <see cref="InterruptedException"/>.
    /// The loop is closed first because .NET runs no finally block of a frame that an uncaught
    /// exception leaves: what must happen before the process ends happens here.</summary>
    public override void ThrowIfInterrupted()
    {
        if (_mainCanceled is { } canceled && Signal is { } signal)
        {
            Dispose();
            _main.Loop.Close();
            throw new InterruptedException(signal, canceled);
        }
    }

    public override void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            _main.Loop.RemoveSignalSubscription(subscription);
        }
    }

    /// <summary>On .NET's signal thread: true cancels the default action.</summary>
    private bool OnSignal(PosixSignal signal)
    {
        if (Interlocked.Increment(ref _count) != 1 || _main.IsDone)
        {
            return false; // the second one: the default action ends the process
        }

        Volatile.Write(ref _signal, SignalNumbers.ToNumber(signal));
        var message = $"Interrupted by {SignalNumbers.Name(signal)}{(signal == PosixSignal.SIGINT ? " (Ctrl+C)" : "")}: EventLoop.Run cancels the main task; a second one ends the process at once.";
        return _main.Loop.TryPostOutcome(static s =>
        {
            var (main, message) = ((CoopTask, string))s!;
            main.Cancel(message);
        }, (_main, message), static _ => { });
    }
}
