namespace Coop;

/// <summary>What the horizontal axis of a timeline picture measures.</summary>
public enum TimelineAxis
{
    /// <summary>The loop's clock: a box is as wide as its step took.</summary>
    Time,

    /// <summary>The order of the steps: every step is one unit wide, whatever it took, so short runs
    /// (tasks taking turns in microseconds) show their interleaving.</summary>
    Steps,
}
