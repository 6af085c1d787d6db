// Where errors go when nobody awaits them: a callback that threw, a task that failed unobserved,
// a callback posted from another thread that never ran. They go to the exception handler
// (asyncio's set_exception_handler); by default to the ILogger given to the loop, else to stderr.
// Never swallowed (STYLE 10).
using Coop.Core;
using Microsoft.Extensions.Logging;

namespace Coop;

public sealed partial class EventLoop
{
    private readonly ILogger? _logger;
    private Action<EventLoop, LoopError>? _exceptionHandler;

    // Failures nobody has read yet, oldest first, for Close to report (Core/UnobservedError.cs). Weak:
    // one collected unread reports itself. Entries read, reported or collected are swept out before
    // the list grows, so it stays as long as the failures still unread, amortized O(1) per failure.
    private List<WeakReference<UnobservedError>>? _unobserved;

    /// <summary>The handler that receives errors nobody else received (asyncio's
    /// <c>set_exception_handler</c> and <c>get_exception_handler</c>); null, the default, sends them to
    /// the logger given to the loop, else to standard error.</summary>
    public Action<EventLoop, LoopError>? ExceptionHandler
    {
        get => _exceptionHandler;
        set => _exceptionHandler = value;
    }

    /// <summary>Reports an error through the exception handler, as the loop does for its own.</summary>
    public void CallExceptionHandler(LoopError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ReportError(error);
    }

    /// <summary>Called with every error the loop reports (Diagnostics/: metrics, the event source).</summary>
    internal static Action<EventLoop, LoopError>? OnErrorReported { get; set; }

    /// <summary>Names a callback as a person knows it, by its declaring method and source line
    /// (Diagnostics/ sets it: the kernel cannot read symbols); null names it by its method's name.</summary>
    internal static Func<Delegate, string>? DescribeCallback { get; set; }

    /// <summary>How an error report names the callback <paramref name="item"/> runs.</summary>
    private static string NameOf(in ReadyItem item) =>
        item.Target is { } target && DescribeCallback is { } describe ? describe(target) : item.Name;

    internal void ReportError(LoopError error)
    {
        OnErrorReported?.Invoke(this, error);
        var handler = _exceptionHandler;
        if (handler == null)
        {
            DefaultExceptionHandler(error);
            return;
        }

        try
        {
            handler(this, error);
        }
        catch (Exception ex)
        {
            // A handler that throws must not take the loop down or hide the first error.
            DefaultExceptionHandler(error);
            DefaultExceptionHandler(new LoopError("Unhandled error in the exception handler", ex, null, null));
        }
    }

    /// <summary>What the loop does with an error when no handler is set: logs it to the loop's
    /// <see cref="ILogger"/>, else writes it to standard error. A custom handler may call it to keep
    /// the default output (asyncio's <c>default_exception_handler</c>).</summary>
    public void DefaultExceptionHandler(LoopError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_logger != null)
        {
            if (error.Task is { } task)
            {
                // The task as structured fields: a log query finds every error of one task.
                _logger.LogError(error.Exception, "{Message} [task {TaskId} {TaskName}]", error.Message, task.Id, task.Name);
            }
            else
            {
                _logger.LogError(error.Exception, "{Message}", error.Message);
            }
            return;
        }

        Console.Error.WriteLine(error.ToString());
    }

    /// <summary>Remembers a failure nobody has read yet, so that Close can report it.</summary>
    internal void TrackUnobserved(UnobservedError error)
    {
        var unobserved = _unobserved ??= [];
        if (unobserved.Count == unobserved.Capacity && unobserved.Count > 0)
        {
            unobserved.RemoveAll(static w => !w.TryGetTarget(out var e) || e.IsSettled);
            if (unobserved.Count > unobserved.Capacity / 2)
            {
                unobserved.Capacity *= 2;
            }
            else if (unobserved.Capacity > 64 && unobserved.Count < unobserved.Capacity / 8)
            {
                unobserved.Capacity /= 4; // give back what a burst of failures took
            }
        }

        unobserved.Add(new WeakReference<UnobservedError>(error));
    }

    /// <summary>Close's part: reports, oldest first, every failure still reachable and never read.</summary>
    private void ReportUnobserved()
    {
        var unobserved = _unobserved;
        _unobserved = null;
        foreach (var weak in unobserved ?? [])
        {
            if (weak.TryGetTarget(out var error))
            {
                error.Report(); // nothing if it was read or reported already
            }
        }
    }
}
