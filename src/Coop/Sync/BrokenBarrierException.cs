namespace Coop;

/// <summary>Raised by <see cref="CoopBarrier.WaitAsync"/> when the barrier is aborted or reset
/// (asyncio's <c>BrokenBarrierError</c>).</summary>
public sealed class BrokenBarrierException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public BrokenBarrierException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BrokenBarrierException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public BrokenBarrierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
