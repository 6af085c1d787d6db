// The future a task parks on while it waits for a socket to become readable or writable: the one
// I/O suspension of the kernel door (STYLE 2), an ordinary future so both coroutine kinds and every
// cancellation path (Cancel, cancel scopes, timeouts) treat it like a sleep.
// Its undo action is its completion: completed by readiness, by the socket closing, or canceled with
// its waiter (CancelWithWaiter), it leaves its registration's waiter slot, which a readiness-emulating
// backend hears as "stop waiting" (PortableBackend cancels its .NET operation). While pending it counts
// as an I/O wait of its loop (epoll: the kernel answers it, so a virtual clock polls once and jumps, or
// blocks in the poller when there is no deadline) or, with the portable backend, whose answers come
// from .NET's threads, as a foreign wait (the clock lets time run at wall speed meanwhile); either
// way never a false deadlock.
namespace Coop.IO;

internal sealed class ReadinessFuture : Future
{
    private readonly SocketRegistration _registration;
    private readonly bool _answeredByPoller;

    internal ReadinessFuture(SocketRegistration registration, IoDirection direction)
        : base(registration.Loop)
    {
        _registration = registration;
        Direction = direction;
        CancelWithWaiter = true;
        _answeredByPoller = registration.Backend.AnswersWithoutThreads;
        if (_answeredByPoller)
        {
            Loop.IoWaits++;
        }
        else
        {
            Loop.ForeignWaits++;
        }
    }

    internal IoDirection Direction { get; }

    internal override string Describe() =>
        $"Wait for {_registration} to be {(Direction == IoDirection.Read ? "readable" : "writable")}";

    private protected override void OnCompleted()
    {
        base.OnCompleted();
        if (_answeredByPoller)
        {
            Loop.IoWaits--;
        }
        else
        {
            Loop.ForeignWaits--;
        }

        _registration.OnWaitEnded(this);
    }
}
