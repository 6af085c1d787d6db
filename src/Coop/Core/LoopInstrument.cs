// The loop's observer (Trio's instruments): the talk's Scheduler prints its trace with one, tests
// count steps with one. The loop calls hooks through EventLoop.Notify (Core/EventLoop.Tasks.cs), and
// skips the step hooks entirely for an instrument that does not override them.
namespace Coop;

/// <summary>
/// Observes what the loop does with tasks (Trio's instruments, curio's activations): the talk's
/// Scheduler trace and Coop's diagnostics are instruments. Override what you need; each method is
/// called on the loop thread, synchronously, so keep it short. An exception an instrument throws goes
/// to the loop's exception handler; the task it concerns goes on.
/// </summary>
public abstract class LoopInstrument
{
    /// <summary>Creates the instrument. An instrument that overrides neither step hook costs a task
    /// step nothing: the loop then skips both calls.</summary>
    protected LoopInstrument()
    {
        var type = GetType();
        ObservesSteps = Overrides(type, nameof(BeforeTaskStep)) || Overrides(type, nameof(AfterTaskStep));
    }

    internal bool ObservesSteps { get; }

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

    /// <summary><paramref name="task"/> waited (its step ended Waiting) and is ready again, because
    /// <paramref name="by"/>, what it waited on, completed, or because it was canceled meanwhile;
    /// <paramref name="by"/> is null after a wait on an awaitable of another world (a .NET
    /// <see cref="Task"/>). Who woke it is what runs now: <see cref="CoopTask.Current"/> if a task's
    /// step completed <paramref name="by"/>, else a timer, I/O that became ready, or a callback.</summary>
    public virtual void TaskWoken(CoopTask task, Future? by)
    {
    }

    /// <summary><paramref name="task"/> finished: it succeeded, failed or was canceled, and its
    /// waiters are woken.</summary>
    public virtual void TaskDone(CoopTask task)
    {
    }

    /// <summary>A task awaited while a cancel scope or task group around it was already canceled
    /// (in a finally block, say): the await raised again at once. Debug mode reports it.</summary>
    internal virtual void AwaitedWhileCanceled(CoopTask task)
    {
    }

    private static bool Overrides(Type type, string method) =>
        type.GetMethod(method, [typeof(CoopTask)])!.DeclaringType != typeof(LoopInstrument);
}
