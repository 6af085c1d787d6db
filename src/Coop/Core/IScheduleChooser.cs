// The seam for seeded schedules (Determinism/): wherever the loop may choose which ready item runs
// next, a chooser picks one. EventLoop.RunOnce asks it before each dequeue when more than one
// entry that was ready at the start of the pass remains, and moves the chosen one to the head.
// It also says when a timer is due (timing fuzz): Sleep and AddTimer pass their deadline through it.
namespace Coop.Core;

/// <summary>Picks which ready item runs next (seeded schedules); null on the loop means plain FIFO.</summary>
internal interface IScheduleChooser
{
    /// <summary>Returns the offset (0 = the FIFO head) of the entry to run next, among the first
    /// <paramref name="candidates"/> (at least 2) entries of <paramref name="ready"/>.</summary>
    int ChooseNext(ReadyQueue ready, int candidates);

    /// <summary>The loop schedules <paramref name="timer"/> (a sleep's future, or the state of a
    /// timer callback) due at <paramref name="due"/>, at time <paramref name="now"/>: returns when
    /// it really falls due. Choosers that fuzz timing move it; the rest keep it.</summary>
    long ChooseDue(long now, long due, object? timer) => due;
}
