// A waiter's private future that hands its task a resource (a lock, an item): if the task is
// canceled after the hand-off but before its await resumes, the resource must go back, not be lost.
// The await point decides (CoopTask.ThrowIfCancelRequested): it calls TryGiveBack, the kernel's one
// hand-off hook, before raising the cancellation there. Only these futures carry a give-back
// function, so every other future and task stays 8 bytes smaller. The primitives' wait queues make
// them and describe, in Sync/, what each primitive gives back.
namespace Coop.Core;

/// <summary>A <see cref="Future{T}"/> whose successful result hands over a resource that
/// <paramref name="giveBack"/> can give back (true) or not (false: the hand-off stands).</summary>
internal class HandOffFuture<T>(EventLoop loop, Func<Future, bool> giveBack) : Future<T>(loop)
{
    internal override bool TryGiveBack() => giveBack(this);

    /// <inheritdoc /> <remarks>The primitive that made this waiter's future (its give-back function's target): the
    /// lock or queue a wait-for graph names.</remarks>
    internal override object? Giver => giveBack.Target;
}
