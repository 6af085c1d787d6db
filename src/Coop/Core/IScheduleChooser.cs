namespace Coop.Core;

/// <summary>The seam for seeded schedules: wherever the loop may choose which ready item runs next,
/// a chooser may pick another than the FIFO head. Null on the loop means plain FIFO.</summary>
internal interface IScheduleChooser
{
    /// <summary>Moves the item to run next to the head of <paramref name="ready"/>, choosing among
    /// its first <paramref name="candidates"/> entries (those ready when the pass began).</summary>
    void ChooseNext(ReadyQueue ready, int candidates);
}
