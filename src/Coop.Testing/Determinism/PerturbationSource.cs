// The keyed decisions of one run, apart from the scheduling choices: timing fuzz (TimingFuzzChooser)
// and the simulated network's faults (Simulation). It runs in one of two modes:
// - from a seed: each decision is drawn from the seed's own generators (one for timing, one for
//   faults, both SplitMix64, so adding faults does not move the timing draws and a printed seed
//   replays on any .NET version);
// - replaying a list of perturbations (a failing run's, or a shrunk subset of it): a decision is the
//   listed one with the same key, and anything the list does not name runs nominally. That is what
//   lets shrinking drop one perturbation without the others moving to other timers or messages.
// Every perturbation that happens is recorded, in either mode: the run's list (ScheduleRun.Perturbations).
namespace Coop.Testing;

internal sealed class PerturbationSource
{
    private readonly Dictionary<string, Perturbation>? _replay;
    private readonly List<Perturbation> _made = new();
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);
    private readonly Func<TimeSpan> _now;
    private Core.SplitMix64 _timing;
    private Core.SplitMix64 _faults;

    private PerturbationSource(Func<TimeSpan> now, double timingFuzz, long seed, IEnumerable<Perturbation>? replay)
    {
        _now = now;
        TimingFuzz = timingFuzz;
        _timing = new Core.SplitMix64(seed ^ 0x5DEECE66DL);
        _faults = new Core.SplitMix64(unchecked(seed * 31 + 0x2545F491));
        if (replay != null)
        {
            _replay = new Dictionary<string, Perturbation>(StringComparer.Ordinal);
            foreach (var p in replay)
            {
                _replay[p.Key] = p;
            }
        }
    }

    /// <summary>How far timers may move, as a fraction of their delay (0.5: from half to one and a half).</summary>
    public double TimingFuzz { get; }

    /// <summary>True when decisions come from a list, not from a seed.</summary>
    public bool IsReplaying => _replay != null;

    /// <summary>What happened in this run, in order.</summary>
    public IReadOnlyList<Perturbation> Made => _made;

    /// <summary>The program's last note (Simulation.Note), quoted by the perturbations after it.</summary>
    public string? LastNote { get; set; }

    public TimeSpan Now => _now();

    public static PerturbationSource FromSeed(Func<TimeSpan> now, long seed, double timingFuzz) =>
        new(now, timingFuzz, seed, null);

    public static PerturbationSource Replaying(Func<TimeSpan> now, IEnumerable<Perturbation> perturbations, double timingFuzz) =>
        new(now, timingFuzz, 0, perturbations);

    /// <summary>The next count for <paramref name="owner"/> ("timer 3 of task 'x'"), from 1.</summary>
    public int Next(string owner)
    {
        _ordinals.TryGetValue(owner, out var n);
        _ordinals[owner] = ++n;
        return n;
    }

    /// <summary>In replay mode, the listed perturbation with this key, if any.</summary>
    public bool TryReplay(string key, out Perturbation perturbation)
    {
        if (_replay != null && _replay.TryGetValue(key, out var found))
        {
            perturbation = found;
            return true;
        }

        perturbation = null!;
        return false;
    }

    /// <summary>A number in [0, 1) from the timing generator (seed mode).</summary>
    public double NextTiming() => _timing.NextDouble();

    /// <summary>A number in [0, 1) from the fault generator (seed mode).</summary>
    public double NextFault() => _faults.NextDouble();

    /// <summary>Records a perturbation that happened now.</summary>
    public Perturbation Record(PerturbationKind kind, string key, string description, params double[] values)
    {
        var made = new Perturbation(kind, key, Now, description, LastNote, values);
        _made.Add(made);
        return made;
    }
}
