// A getter's future in a CoopQueue: besides the item, it carries the number of the hand-off that
// gave it, so that an item given back by a canceled getter takes its place in line again
// (GivenBackItems.cs, PriorityStore.GiveBack), whatever order the cancellations run in.
namespace Coop.Core;

/// <summary>A <see cref="HandOffFuture{T}"/> for a queue's item, numbered when the item is handed over.</summary>
internal sealed class ItemHandOffFuture<T>(EventLoop loop, Func<Future, bool> giveBack) : HandOffFuture<T>(loop, giveBack)
{
    /// <summary>The queue's count of hand-offs when this getter was handed its item: the item's
    /// place in the order items were handed out.</summary>
    public long HandOff { get; private set; }

    /// <summary>Hands <paramref name="item"/> over as hand-off number <paramref name="handOff"/>.</summary>
    public void HandOver(T item, long handOff)
    {
        HandOff = handOff;
        SetResult(item);
    }
}
