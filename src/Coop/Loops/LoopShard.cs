// One loop of a group as its entry coroutine sees it: which loop it is, and the way to the others.
namespace Coop;

/// <summary>One event loop of a <see cref="LoopGroup"/>, handed to the entry coroutine that runs on
/// it: its index (the shard of the work it owns), its name and the group.</summary>
public sealed partial class LoopShard
{
    internal LoopShard(LoopGroup group, int index, string name, EventLoop loop)
    {
        Group = group;
        Index = index;
        Name = name;
        Loop = loop;
    }

    /// <summary>The group this loop belongs to.</summary>
    public LoopGroup Group { get; }

    /// <summary>This loop's index in the group, 0 to <see cref="LoopGroup.Count"/> - 1.</summary>
    public int Index { get; }

    /// <summary>The loop's name, used in failure and stall reports and as its thread's name.</summary>
    public string Name { get; }

    /// <summary>The event loop itself.</summary>
    public EventLoop Loop { get; }

    /// <inheritdoc />
    public override string ToString() => $"<LoopShard {Name}>";
}
