namespace Coop;

/// <summary>One loop of a <see cref="LoopGroup"/> failed: its entry coroutine threw, or the loop itself did.</summary>
/// <param name="LoopName">The loop's name (<see cref="LoopShard.Name"/>).</param>
/// <param name="LoopIndex">The loop's index in the group.</param>
/// <param name="Exception">What it threw.</param>
public sealed record LoopFailure(string LoopName, int LoopIndex, Exception Exception)
{
    /// <inheritdoc />
    public override string ToString() => $"{LoopName} failed: {Exception.GetType().Name}: {Exception.Message}";
}
