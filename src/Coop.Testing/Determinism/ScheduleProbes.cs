// What a program under test registers so each explored or canceled run can be checked afterwards:
// cleanup that must run (Finally) and facts that must hold when the run ends (Invariant). The
// runner checks them after every run; a probe entered but never left means a `finally` was skipped.
namespace Coop.Testing;

/// <summary>Checks a program registers during a run, verified by <see cref="Explore"/> after it.</summary>
public sealed class ScheduleProbes
{
    private readonly List<FinallyProbe> _finallies = new();
    private readonly List<(string Name, Func<bool> Holds)> _invariants = new();

    /// <summary>Marks a region whose end must be reached: <c>using (probes.Finally("release lock")) { ... }</c>.
    /// If the run ends with the region entered but not left, the run fails.</summary>
    public IDisposable Finally(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var probe = new FinallyProbe(name);
        _finallies.Add(probe);
        return probe;
    }

    /// <summary>Registers a fact that must hold when the run ends (e.g. "no queue item lost").</summary>
    public void Invariant(string name, Func<bool> holds)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(holds);
        _invariants.Add((name, holds));
    }

    internal string? FindViolation()
    {
        foreach (var probe in _finallies)
        {
            if (!probe.Left)
            {
                return $"The finally region '{probe.Name}' was entered but never left: a finally block did not run.";
            }
        }

        foreach (var (name, holds) in _invariants)
        {
            if (!holds())
            {
                return $"The invariant '{name}' does not hold after the run.";
            }
        }

        return null;
    }

    private sealed class FinallyProbe(string name) : IDisposable
    {
        public string Name => name;

        public bool Left { get; private set; }

        public void Dispose() => Left = true;
    }
}
