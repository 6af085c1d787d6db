// A failure nobody has read yet: what a failed future's outcome field holds until somebody reads the
// error, and the duty to report it if nobody ever does ("Future exception was never retrieved").
//
// When does an error count as unobserved? asyncio says: when the future is collected, or when the
// loop closes, with nobody having looked. Not after a fixed number of loop passes: a program may read
// an error much later (from Wait's done set, after other awaits) and must not be told it lost it.
// So the report is made
//   - by this object's finalizer, when the future is collected unread: only the future refers to this
//     object, so both become unreachable together (.NET's TaskExceptionHolder does the same for Task).
//     The finalizer runs on the finalizer thread, so it posts the report to the loop's inbox; a loop
//     closed by then has its handler called from the finalizer thread;
//   - by EventLoop.Close, for failures still reachable then (the loop keeps weak references to them,
//     EventLoop.Errors.cs).
// Reading the error (awaiting the future, Exception, Result, a combinator passing it on) replaces this
// object with the bare error in the future and suppresses the finalizer: never reported. Exactly once
// otherwise: Close reports only what its weak reference still reaches, and a weak reference is cleared
// before the finalizer is queued, so the two never both report.
// Only a failure allocates one: the happy path pays nothing and a future keeps its size.
using System.Runtime.ExceptionServices;

namespace Coop.Core;

internal sealed class UnobservedError
{
    private readonly Future _future;
    private bool _settled; // read, or reported: the finalizer is suppressed

    public UnobservedError(Future future, ExceptionDispatchInfo error)
    {
        _future = future;
        Error = error;
        future.Loop.TrackUnobserved(this);
    }

    ~UnobservedError()
    {
        try
        {
            var loop = _future.Loop;
            if (!loop.TryPostOutcome(ReportAction, this, ReportAction))
            {
                Report(); // closed: nobody runs the loop thread any more
            }
        }
#pragma warning disable CA1031 // an exception escaping a finalizer ends the process
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public ExceptionDispatchInfo Error { get; }

    /// <summary>The report's message; null for "Task/Future exception was never retrieved".</summary>
    public string? Message { get; set; }

    /// <summary>True once the error was read or reported: nothing is left to do.</summary>
    public bool IsSettled => _settled;

    /// <summary>Somebody read the error: it will not be reported. Returns it.</summary>
    public ExceptionDispatchInfo Read()
    {
        Settle();
        return Error;
    }

    /// <summary>Reports the error to the loop's exception handler, once (Close, or after collection).</summary>
    public void Report()
    {
        if (_settled)
        {
            return;
        }

        Settle();
        var error = _future is CoopTask task
            ? new LoopError(Message ?? "Task exception was never retrieved", Error.SourceException, task, null)
            : new LoopError(Message ?? "Future exception was never retrieved", Error.SourceException, null, null, _future);
        _future.Loop.ReportError(error);
    }

    private static readonly Action<object?> ReportAction = static e => ((UnobservedError)e!).Report();

    private void Settle()
    {
        if (!_settled)
        {
            _settled = true;
#pragma warning disable CA1816 // not a Dispose: read or reported, the error needs no finalizer any more
            GC.SuppressFinalize(this);
#pragma warning restore CA1816
        }
    }
}
