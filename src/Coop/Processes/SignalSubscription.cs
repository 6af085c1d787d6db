// One signal handled by one loop (EventLoop.Signals.cs): a .NET PosixSignalRegistration whose callback,
// on .NET's signal-handling thread, decides at once whether the signal's default action is canceled
// and hands the rest to the loop. A handler added with AddSignalHandler is posted to the loop's inbox
// and runs on the loop thread, between steps, like any callback (an exception goes to the loop's
// exception handler); the default action is canceled while the loop can still take the post. Run's
// Ctrl+C handling (Interruption.cs) decides itself, on the signal thread, so that a second Ctrl+C can
// let the default action end the process.
using System.Runtime.InteropServices;

namespace Coop.Processes;

internal sealed class SignalSubscription : IDisposable
{
    private readonly EventLoop _loop;
    private readonly Action? _handler;
    private readonly Func<PosixSignal, bool>? _decide;
    private readonly PosixSignalRegistration _registration;
    private volatile bool _removed;

    /// <summary>A handler that runs on the loop thread.</summary>
    public SignalSubscription(EventLoop loop, PosixSignal signal, Action handler)
        : this(loop, signal, handler, null)
    {
    }

    /// <summary>A handler that decides on .NET's signal thread: true cancels the default action.</summary>
    public SignalSubscription(EventLoop loop, PosixSignal signal, Func<PosixSignal, bool> decide)
        : this(loop, signal, null, decide)
    {
    }

    private SignalSubscription(EventLoop loop, PosixSignal signal, Action? handler, Func<PosixSignal, bool>? decide)
    {
        _loop = loop;
        _handler = handler;
        _decide = decide;
        Signal = signal;
        _registration = PosixSignalRegistration.Create(signal, OnSignal);
    }

    public PosixSignal Signal { get; }

    /// <summary>Stops handling the signal: its default action applies again, and a delivery already
    /// posted to the loop is dropped.</summary>
    public void Dispose()
    {
        _removed = true;
        _registration.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_removed)
        {
            return; // removed while .NET was calling it: the default action goes ahead
        }

        context.Cancel = _decide != null
            ? _decide(Signal)
            : _loop.TryPostOutcome(static s => ((SignalSubscription)s!).RunOnLoop(), this, static _ => { });
    }

    private void RunOnLoop()
    {
        if (!_removed)
        {
            _handler!();
        }
    }
}
