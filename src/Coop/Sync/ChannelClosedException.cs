namespace Coop;

/// <summary>Raised when a closed channel handle is used, or on a send when every receiver is closed (Trio's <c>ClosedResourceError</c> and <c>BrokenResourceError</c>).</summary>
public sealed class ChannelClosedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ChannelClosedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ChannelClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public ChannelClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
