namespace Coop;

/// <summary>
/// Raised at a coroutine's await point when its task is canceled (asyncio's <c>CancelledError</c>),
/// and by reading the result of a canceled <see cref="Future"/>.
/// </summary>
/// <remarks>It derives from <see cref="OperationCanceledException"/>, so code that already handles
/// .NET cancellation handles Coop's too. Catching it and carrying on un-cancels the task, as in
/// asyncio; re-throw it unless you mean that.</remarks>
public class CanceledException : OperationCanceledException
{
    /// <summary>Creates the exception with the default message.</summary>
    public CanceledException()
        : base("The operation was canceled.")
    {
    }

    /// <summary>Creates the exception with the cancellation message given to <c>Cancel</c>.</summary>
    public CanceledException(string? message)
        : base(message ?? "The operation was canceled.")
    {
    }

    /// <summary>Raised by a canceled cancel scope: tagged with its status, so that only that scope
    /// catches it when it propagates out of the scope's block (Trio's rule).</summary>
    internal CanceledException(CancelStatus status, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CanceledException(string? message, Exception? innerException)
        : base(message ?? "The operation was canceled.", innerException)
    {
    }

    /// <summary>The cancel status whose cancellation this is (a cancel scope's); null for a task's
    /// one-shot <see cref="CoopTask.Cancel"/> or a canceled future.</summary>
    internal CancelStatus? Status { get; }
}
