// Replays a schedule given as its list of choices (a ScheduleRun's Choices, or a shrunk list committed
// in a regression test). Past the end of the list, or where a choice no longer fits (shrinking
// changes the run), it picks the nearest valid entry; 0 = FIFO.
using Coop.Core;

namespace Coop.Testing;

internal sealed class ReplayChooser(IReadOnlyList<int> choices) : IScheduleChooser
{
    public ChoiceTrace Trace { get; } = new();

    public int ChooseNext(ReadyQueue ready, int candidates)
    {
        var step = Trace.Count;
        var wanted = step < choices.Count ? choices[step] : 0;
        return Trace.Record(ready, candidates, Math.Clamp(wanted, 0, candidates - 1));
    }
}
