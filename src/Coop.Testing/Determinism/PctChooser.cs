// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010),
// adapted to a run queue: every ready entity (a task, or a callback) gets a random priority when
// first seen, the highest-priority candidate runs, and at d - 1 random choice points out of the
// estimated k the entity about to run drops below every other. Bugs that need only a few ordering
// constraints are found far sooner than by uniform random choices.
using Coop.Core;

namespace Coop.Testing;

internal sealed class PctChooser : IScheduleChooser
{
    private readonly Dictionary<object, double> _priority = new(ReferenceEqualityComparer.Instance);
    private readonly int[] _changePoints;
    private readonly int _depth;
    private SplitMix64 _random;

    public PctChooser(long seed, int depth, int estimatedSteps)
    {
        _random = new SplitMix64(seed);
        _depth = depth;
        _changePoints = new int[depth - 1];
        for (var i = 0; i < _changePoints.Length; i++)
        {
            _changePoints[i] = 1 + _random.Below(Math.Max(1, estimatedSteps));
        }
    }

    public ChoiceTrace Trace { get; } = new();

    public int ChooseNext(ReadyQueue ready, int candidates)
    {
        var step = Trace.Count + 1;
        var best = Highest(ready, candidates);
        for (var i = 0; i < _changePoints.Length; i++)
        {
            if (_changePoints[i] == step)
            {
                _priority[Key(ready.Peek(best))] = i; // below every initial priority (>= depth)
                best = Highest(ready, candidates);
            }
        }

        return Trace.Record(ready, candidates, best);
    }

    private int Highest(ReadyQueue ready, int candidates)
    {
        var best = 0;
        var bestPriority = double.MinValue;
        for (var i = 0; i < candidates; i++)
        {
            var key = Key(ready.Peek(i));
            if (!_priority.TryGetValue(key, out var p))
            {
                p = _depth + _random.NextDouble();
                _priority[key] = p;
            }

            if (p > bestPriority)
            {
                best = i;
                bestPriority = p;
            }
        }

        return best;
    }

    private static object Key(ReadyItem item) => item.State ?? item.Callback!;
}
