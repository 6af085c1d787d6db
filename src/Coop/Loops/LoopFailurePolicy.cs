namespace Coop;

/// <summary>What a <see cref="LoopGroup"/> does when one loop's entry coroutine fails.</summary>
public enum LoopFailurePolicy
{
    /// <summary>The group shuts down: every other loop's tasks are canceled, as a task group cancels
    /// its other children when one fails. The default: a shard that died leaves its part of the data
    /// or its connections unserved, which is seldom what a server wants to go on with.</summary>
    StopGroup,

    /// <summary>The failure is recorded and the other loops go on; the failed loop's thread ends.</summary>
    KeepOthersRunning,
}
