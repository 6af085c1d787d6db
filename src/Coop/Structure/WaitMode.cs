namespace Coop;

/// <summary>When <see cref="Coroutine.Wait(IEnumerable{Future}, WaitMode, double)"/> returns (asyncio's <c>return_when</c>).</summary>
public enum WaitMode
{
    /// <summary>When every future is done (or the timeout passes).</summary>
    AllCompleted,

    /// <summary>When any future is done.</summary>
    FirstCompleted,

    /// <summary>When any future fails with an exception (a cancellation does not count); if none
    /// fails, when every future is done.</summary>
    FirstException,
}
