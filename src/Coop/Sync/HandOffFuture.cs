// A waiter's private future that hands its task a resource (a lock, an item): if the task is
// canceled after the hand-off but before its await resumes, the resource must go back, not be lost.
// Only these futures carry the give-back function, so every other future and task is 8 bytes smaller.
// WaitQueue.cs describes the protocol.
namespace Coop.Core;

/// <summary>A <see cref="Future{T}"/> whose successful result hands over a resource that
/// <paramref name="revoke"/> can give back (true) or not (false: the hand-off stands).</summary>
internal sealed class HandOffFuture<T>(EventLoop loop, Func<Future, bool> revoke) : Future<T>(loop)
{
    internal override bool TryRevokeHandOff() => revoke(this);
}
