// Seeded random schedules: at every choice point, any ready entry may run, each with equal chance.
using Coop.Core;

namespace Coop.Testing;

internal sealed class RandomChooser(long seed) : IScheduleChooser
{
    private SplitMix64 _random = new(seed);

    public ChoiceTrace Trace { get; } = new();

    public int ChooseNext(ReadyQueue ready, int candidates) => Trace.Record(ready, candidates, _random.Below(candidates));
}
