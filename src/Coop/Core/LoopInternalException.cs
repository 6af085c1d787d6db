namespace Coop;

/// <summary>A fault in Coop's own machinery (a broken invariant), as opposed to an error in user
/// code. It stops the loop instead of going to the exception handler (Trio's TrioInternalError).</summary>
public sealed class LoopInternalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LoopInternalException()
        : base("Internal error in the Coop event loop.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LoopInternalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the fault.</summary>
    public LoopInternalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
