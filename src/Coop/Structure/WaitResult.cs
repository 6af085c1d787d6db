namespace Coop;

/// <summary>What <see cref="Coroutine.Wait(IEnumerable{Future}, WaitMode, double)"/> returns: the futures that are done and those still
/// pending, each list in argument order. Deconstruct it: <c>var (done, pending) = await Coroutine.Wait(...)</c>.</summary>
/// <param name="Done">The futures done when the wait ended.</param>
/// <param name="Pending">The futures not done yet; the wait neither cancels nor awaits them.</param>
public sealed record WaitResult(IReadOnlyList<Future> Done, IReadOnlyList<Future> Pending);
