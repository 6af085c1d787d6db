// Something the simulated network does at a time it chose: a message arrives, a connect is answered,
// a host restarts, a partition heals. Each is a loop timer whose state is the event, so that due
// events enter the ready queue like any timer and a seeded schedule orders those due at the same
// instant (which socket is ready first is one more choice of the seed). Timing fuzz leaves these
// timers alone (TimingFuzzChooser): the network draws its own latencies, keyed by message.
namespace Coop.Testing;

internal abstract class NetworkEvent
{
    private static readonly Action<object?> FireAction = static e => ((NetworkEvent)e!).Fire();

    /// <summary>Schedules this event on <paramref name="loop"/> at timestamp <paramref name="due"/>.</summary>
    public Handle ScheduleAt(EventLoop loop, long due) => loop.AddTimer(due, FireAction, this);

    public abstract void Fire();
}
