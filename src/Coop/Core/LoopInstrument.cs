namespace Coop;

/// <summary>
/// Observes what the loop does with tasks (Trio's instruments, curio's activations): the talk's
/// Scheduler trace and Coop's diagnostics are instruments. Override what you need; each method is
/// called on the loop thread, synchronously, so keep it short.
/// </summary>
public abstract class LoopInstrument
{
    /// <summary>A task was created and made ready.</summary>
    public virtual void TaskCreated(CoopTask task)
    {
    }

    /// <summary>The loop is about to step <paramref name="task"/>.</summary>
    public virtual void BeforeTaskStep(CoopTask task)
    {
    }

    /// <summary>The loop stepped <paramref name="task"/>; its <see cref="CoopTask.Status"/> says
    /// whether it yielded (Ready), parked (Waiting) or finished (Done).</summary>
    public virtual void AfterTaskStep(CoopTask task)
    {
    }
}
