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

    /// <summary>Raised by a canceled <see cref="CancelScope"/>: tagged with it, so that only that
    /// scope catches it when it propagates out of the scope's block (Trio's rule).</summary>
    internal CanceledException(CancelScope scope, string message)
        : base(message)
    {
        Scope = scope;
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CanceledException(string? message, Exception? innerException)
        : base(message ?? "The operation was canceled.", innerException)
    {
    }

    /// <summary>The cancel scope whose cancellation this is; null for a task's one-shot
    /// <see cref="CoopTask.Cancel"/> or a canceled future.</summary>
    internal CancelScope? Scope { get; }
}
