// The seam for seeded schedules (Determinism/): wherever the loop may choose which ready item runs
// next, a chooser picks one. EventLoop.RunOnce asks it before each dequeue when more than one
// entry that was ready at the start of the pass remains, and moves the chosen one to the head.
namespace Coop.Core;

/// <summary>Picks which ready item runs next (seeded schedules); null on the loop means plain FIFO.</summary>
internal interface IScheduleChooser
{
    /// <summary>Returns the offset (0 = the FIFO head) of the entry to run next, among the first
    /// <paramref name="candidates"/> (at least 2) entries of <paramref name="ready"/>.</summary>
    int ChooseNext(ReadyQueue ready, int candidates);
}
