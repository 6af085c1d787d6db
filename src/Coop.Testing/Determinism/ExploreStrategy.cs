namespace Coop.Testing;

/// <summary>How <see cref="Explore"/> picks schedules.</summary>
public enum ExploreStrategy
{
    /// <summary>At every choice point, run a uniformly random ready entry (seeded).</summary>
    Random,

    /// <summary>Probabilistic concurrency testing (Burckhardt et al., 2010): each task gets a random
    /// priority, the highest-priority ready task runs, and at a few random steps the running task's
    /// priority drops to the bottom. Finds bugs of depth d with probability at least 1/(n·k^(d-1)).</summary>
    Pct,

    /// <summary>Every schedule, one after the other, in lexicographic order of the choices (depth-first
    /// over the tree of choice points), up to <see cref="ExploreOptions.Schedules"/>. For small
    /// programs: when the tree is smaller than the budget, <see cref="ExploreResult.Exhausted"/> says
    /// every schedule the loop can produce was tried. Seeds play no part; replay by choices.</summary>
    Exhaustive,
}
