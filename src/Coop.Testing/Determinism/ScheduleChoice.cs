// One decision the loop took under a seeded schedule: at a point where more than one ready item
// could run, which one ran. A run's list of choices is its schedule: replaying the same list on the
// same program reproduces the run exactly (Explore.Replay), and a choice other than 0 is a
// deviation from plain FIFO (what shrinking removes).
using System.Globalization;

namespace Coop.Testing;

/// <summary>One scheduling decision: at choice point <see cref="Step"/>, the loop ran the entry at
/// offset <see cref="Index"/> among <see cref="Count"/> ready entries (0 is the FIFO head).</summary>
/// <param name="Step">The choice point, counting from 1 in the run.</param>
/// <param name="Index">Which ready entry ran (0 = the one FIFO would run).</param>
/// <param name="Count">How many entries could have run.</param>
/// <param name="Chosen">What ran, e.g. "task 'B'".</param>
/// <param name="Head">What FIFO would have run instead.</param>
public sealed record ScheduleChoice(int Step, int Index, int Count, string Chosen, string Head)
{
    /// <summary>True when this choice differs from plain FIFO.</summary>
    public bool IsDeviation => Index != 0;

    /// <summary>"step 12: ran task 'B' before task 'A' (choice 1 of 2)".</summary>
    public override string ToString() => IsDeviation
        ? string.Create(CultureInfo.InvariantCulture, $"step {Step}: ran {Chosen} before {Head} (choice {Index} of {Count})")
        : string.Create(CultureInfo.InvariantCulture, $"step {Step}: ran {Chosen} (FIFO, {Count} ready)");
}
