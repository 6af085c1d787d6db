// Signals on the loop (asyncio's loop.add_signal_handler and remove_signal_handler): a handler runs on
// the loop thread, between steps, when the process receives the signal. The delivery crosses from
// .NET's PosixSignalRegistration, whose callbacks run on .NET's signal-handling thread, through the
// inbox, the one door into the loop from other threads (SignalSubscription.cs). One handler per signal
// and loop, as in asyncio: adding one replaces the last, including the Ctrl+C handling EventLoop.Run
// installs (Interruption.cs). Closing the loop removes its handlers.
using System.Runtime.InteropServices;
using Coop.Processes;

namespace Coop;

public sealed partial class EventLoop
{
    private Dictionary<int, SignalSubscription>? _signalHandlers;

    /// <summary>Runs <paramref name="handler"/> on this loop's thread, between steps, each time the
    /// process receives <paramref name="signal"/>; the signal's default action (ending the process, for
    /// SIGINT, SIGTERM, SIGHUP and most others) no longer happens. Replaces the handler this loop had
    /// for that signal, including EventLoop.Run's handling of Ctrl+C (SIGINT) and SIGTERM.</summary>
    /// <param name="signal">A <see cref="PosixSignal"/> member, or a raw signal number cast to it
    /// (<c>(PosixSignal)10</c> is SIGUSR1 on Linux).</param>
    /// <param name="handler">What to run; an exception it throws goes to the loop's exception handler.</param>
    /// <remarks>Signals that arrive while the loop is not running are handled when it next runs.
    /// Several signals that arrive close together may be delivered once, as the operating system
    /// merges pending signals. Call it on the loop's thread (or while no thread runs the loop).</remarks>
    /// <exception cref="ArgumentException">SIGKILL or SIGSTOP, which cannot be handled.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform cannot handle that signal.</exception>
    public void AddSignalHandler(PosixSignal signal, Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var number = SignalNumbers.ToNumber(signal);
        if (number is Posix.SigKill or 19)
        {
            throw new ArgumentException($"{SignalNumbers.Name(signal)} cannot be handled: the kernel acts on it without asking the process.", nameof(signal));
        }

        CheckThread();
        CheckNotClosed();
        SetSignalSubscription(number, new SignalSubscription(this, signal, handler));
    }

    /// <summary>Removes this loop's handler for <paramref name="signal"/>; the signal's default action
    /// applies again. Returns false if the loop had none.</summary>
    public bool RemoveSignalHandler(PosixSignal signal)
    {
        var number = SignalNumbers.ToNumber(signal);
        CheckThread();
        if (_signalHandlers == null || !_signalHandlers.Remove(number, out var removed))
        {
            return false;
        }

        removed.Dispose();
        return true;
    }

    /// <summary>Installs <paramref name="subscription"/> for its signal, replacing (and removing) the
    /// one there was.</summary>
    internal void SetSignalSubscription(int number, SignalSubscription subscription)
    {
        if (_signalHandlers == null)
        {
            _signalHandlers = new Dictionary<int, SignalSubscription>();
            Closing += RemoveSignalHandlers;
        }

        if (_signalHandlers.Remove(number, out var replaced))
        {
            replaced.Dispose();
        }

        _signalHandlers[number] = subscription;
    }

    /// <summary>Removes <paramref name="subscription"/> if it is still its signal's handler.</summary>
    internal void RemoveSignalSubscription(SignalSubscription subscription)
    {
        var number = SignalNumbers.ToNumber(subscription.Signal);
        if (_signalHandlers != null && _signalHandlers.TryGetValue(number, out var current) && current == subscription)
        {
            _signalHandlers.Remove(number);
        }

        subscription.Dispose();
    }

    /// <summary>How many signals this loop handles now.</summary>
    internal int SignalHandlerCount => _signalHandlers?.Count ?? 0;

    private void RemoveSignalHandlers()
    {
        foreach (var subscription in _signalHandlers!.Values)
        {
            subscription.Dispose();
        }

        _signalHandlers.Clear();
    }
}
