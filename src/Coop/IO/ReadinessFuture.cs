// The future a task parks on while it waits for a socket to become readable or writable: the one
// I/O suspension of the kernel door (STYLE 2), an ordinary future so both coroutine kinds and every
// cancellation path (Cancel, cancel scopes, timeouts) treat it like a sleep.
// Its undo action is its completion: completed by readiness, by the socket closing, or cancelled with
// its waiter (CancelWithWaiter), it leaves its registration's waiter slot, which a readiness-emulating
// backend hears as "stop waiting" (PortableBackend cancels its .NET operation). While pending it counts
// as a foreign wait of its loop, so a virtual clock polls for real instead of reporting a deadlock.
namespace Coop.IO;

internal sealed class ReadinessFuture : Future
{
    private readonly SocketRegistration _registration;

    internal ReadinessFuture(SocketRegistration registration, IoDirection direction)
        : base(registration.Loop)
    {
        _registration = registration;
        Direction = direction;
        CancelWithWaiter = true;
        Loop.ForeignWaits++;
    }

    internal IoDirection Direction { get; }

    internal override string Describe() =>
        $"Wait for {_registration} to be {(Direction == IoDirection.Read ? "readable" : "writable")}";

    private protected override void OnCompleted(bool hadWaiters)
    {
        base.OnCompleted(hadWaiters);
        Loop.ForeignWaits--;
        _registration.OnWaitEnded(this);
    }
}
