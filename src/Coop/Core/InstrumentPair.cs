// Two instruments called as one: the loop calls one instrument, and a loop in debug mode (or watched
// for stalls) has its own beside the user's. Composed only when both exist, so a loop with one
// instrument calls it directly.
namespace Coop.Core;

/// <summary>Calls <paramref name="first"/>, then <paramref name="second"/>, for every hook.</summary>
internal sealed class InstrumentPair(LoopInstrument first, LoopInstrument second) : LoopInstrument
{
    /// <summary>True if either instrument hooks task steps (the pair overrides every hook).</summary>
    internal bool ObservesAnySteps { get; } =
        first.ObservesSteps || second.ObservesSteps
        || first is InstrumentPair { ObservesAnySteps: true } || second is InstrumentPair { ObservesAnySteps: true };

    public override void TaskCreated(CoopTask task)
    {
        first.TaskCreated(task);
        second.TaskCreated(task);
    }

    public override void BeforeTaskStep(CoopTask task)
    {
        first.BeforeTaskStep(task);
        second.BeforeTaskStep(task);
    }

    public override void AfterTaskStep(CoopTask task)
    {
        first.AfterTaskStep(task);
        second.AfterTaskStep(task);
    }

    public override void TaskDone(CoopTask task)
    {
        first.TaskDone(task);
        second.TaskDone(task);
    }

    public override void TaskWoken(CoopTask task, Future? by)
    {
        first.TaskWoken(task, by);
        second.TaskWoken(task, by);
    }

    internal override void AwaitedWhileCanceled(CoopTask task)
    {
        first.AwaitedWhileCanceled(task);
        second.AwaitedWhileCanceled(task);
    }
}
