// The future behind a sleep, which is also its own timer: the timer heap holds it directly
// (Core/TimerQueue.cs) instead of a Handle that would complete it, so a sleep allocates one object.
// When due, it goes through the ready queue like any timer callback (schedule traces name it by the
// task that sleeps), and the loop completes it there.
namespace Coop;

/// <summary>The future behind a sleep: completing it any other way (canceling it, mostly) also
/// ends its timer, so a canceled sleep leaves nothing behind in the timer heap for long.</summary>
internal sealed class TimerFuture : Future
{
    /// <summary>What the ready queue runs when the sleep is due.</summary>
    internal static readonly Action<object?> CompleteAction = static f => ((TimerFuture)f!).TrySetResultObject(null);

    internal TimerFuture(EventLoop loop)
        : base(loop)
    {
        CancelWithWaiter = true;
    }

    /// <summary>True while the timer heap holds this sleep: completing it then leaves a dead entry
    /// there, which the heap counts (TimerQueue.OnCanceled) and drops lazily.</summary>
    internal bool InTimerQueue { get; set; }

    internal override string Describe() => "Sleep";

    private protected override void OnCompleted()
    {
        base.OnCompleted();
        if (InTimerQueue)
        {
            Loop.OnTimerCanceled();
        }
    }
}
