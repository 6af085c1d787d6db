// Where errors go when nobody awaits them: a callback that threw, a task that failed unobserved,
// a callback posted from another thread that never ran. They go to the exception handler
// (asyncio's set_exception_handler); by default to the ILogger given to the loop, else to stderr.
// Never swallowed (STYLE 10).
using Microsoft.Extensions.Logging;

namespace Coop;

public sealed partial class EventLoop
{
    private readonly ILogger? _logger;
    private Action<EventLoop, LoopError>? _exceptionHandler;

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

    internal void ReportError(LoopError error)
    {
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
            _logger.LogError(error.Exception, "{Message}", error.Message);
            return;
        }

        Console.Error.WriteLine(error.ToString());
    }
}
