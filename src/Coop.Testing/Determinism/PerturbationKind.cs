namespace Coop.Testing;

/// <summary>What a <see cref="Perturbation"/> changed in a run.</summary>
public enum PerturbationKind
{
    /// <summary>When something completed: a timer, a sleep or a deadline fired early or late, or a
    /// simulated message took longer or shorter than the nominal latency (timing fuzz).</summary>
    Timing,

    /// <summary>A fault of the simulated network: a message held, split or lost, a connection reset
    /// or refused, a host crashed, a partition, a failed host-name lookup.</summary>
    Fault,
}
