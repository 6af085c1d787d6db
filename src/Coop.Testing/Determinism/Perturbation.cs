// One departure of a run from its nominal course, other than a scheduling choice: a timer that fired
// early or late (timing fuzz), a simulated message that was held, split or lost, a host that crashed.
// Each has a key that names what it happened to ("timer 3 of task 'refresher'", "message 2 from
// 'bank' to 'client' on connection client→bank:80 #1"), so a run replays from its list of
// perturbations, and shrinking removes them one by one without the rest moving to other messages.
using System.Globalization;

namespace Coop.Testing;

/// <summary>A departure from the nominal run that a seed decided: timing fuzz or a network fault
/// (see <see cref="ScheduleRun.Perturbations"/>). Shrinking removes those a failure does not need.</summary>
public sealed class Perturbation
{
    internal Perturbation(PerturbationKind kind, string key, TimeSpan at, string description, string? after, double[] values)
    {
        Kind = kind;
        Key = key;
        At = at;
        Description = description;
        After = after;
        Values = values;
    }

    /// <summary>Timing or a fault.</summary>
    public PerturbationKind Kind { get; }

    /// <summary>What it happened to, stable across runs of the same program: the identity a replay
    /// looks it up by.</summary>
    public string Key { get; }

    /// <summary>The virtual time at which it was decided.</summary>
    public TimeSpan At { get; }

    /// <summary>What happened, in words: "the message "ok 3" from 'bank' to 'client' was lost: the
    /// connection was reset before it arrived".</summary>
    public string Description { get; }

    /// <summary>The last note the program made before it (<see cref="Simulation.Note"/>), or null.</summary>
    public string? After { get; }

    /// <summary>The numbers a replay needs (a timing factor, a byte offset, a duration), by kind.</summary>
    internal double[] Values { get; }

    /// <summary>"at 1.204 s, after 'bank committed transfer 3': the message ... was lost".</summary>
    public override string ToString() => After == null
        ? string.Create(CultureInfo.InvariantCulture, $"at {At.TotalSeconds:0.000} s: {Description}")
        : string.Create(CultureInfo.InvariantCulture, $"at {At.TotalSeconds:0.000} s, after \"{After}\": {Description}");
}
