namespace Coop;

/// <summary>Raised by ChannelReceiver.Receive when every sender is closed and the channel is empty (Trio's <c>EndOfChannel</c>).</summary>
public sealed class EndOfChannelException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public EndOfChannelException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EndOfChannelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public EndOfChannelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
