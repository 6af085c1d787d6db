using Coop.Core;

namespace Coop.Tests.Sync;

public class ItemStoreTests
{
    [Fact]
    public void PriorityStore_AfterABurst_MemoryGivenBackAndOrderKept()
    {
        var store = new PriorityStore<int>(Comparer<int>.Default);
        for (var i = 100_000; i > 0; i--)
        {
            store.Add(i);
        }

        var grown = store.Capacity;
        for (var i = 1; i <= 99_990; i++)
        {
            Assert.Equal(i, store.Take());
        }

        Assert.True(store.Capacity < grown / 8, $"capacity {store.Capacity}, was {grown}");
        Assert.Equal(99_991, store.Take());
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("lifo")]
    public void DequeStores_GiveBackOutOfHandOffOrder_TakenFirstInHandOffOrder(string kind)
    {
        IItemStore<int> store = kind == "fifo" ? new FifoStore<int>() : new LifoStore<int>();
        store.Add(10);
        store.Add(11);
        store.GiveBack(2, handOff: 5);
        store.GiveBack(3, handOff: 7);
        store.GiveBack(1, handOff: 4);
        Assert.Equal(5, store.Count);
        var taken = Enumerable.Range(0, 5).Select(_ => store.Take()).ToList();
        Assert.Equal(kind == "fifo" ? [1, 2, 3, 10, 11] : [1, 2, 3, 11, 10], taken);
        store.Add(12);
        store.GiveBack(9, handOff: 8);
        store.Clear(); // a shutdown drops both kinds of item
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void PriorityStore_GiveBack_IsFirstAmongEquals()
    {
        var store = new PriorityStore<int>(Comparer<int>.Default);
        store.Add(5);
        store.Add(5);
        var taken = store.Take();
        store.Add(1);
        store.GiveBack(taken, handOff: 0);
        Assert.Equal(1, store.Take());
        Assert.Equal(5, store.Take());
        Assert.Equal(5, store.Take());
    }

    [Theory]
    [InlineData(100)] // grows past the floor: trimmed once under an eighth full
    [InlineData(64)]  // at the floor: never trimmed
    public void PriorityStore_Take_GivesMemoryBackOnlyUnderAnEighthFullAboveTheFloor(int items)
    {
        // A queue draining slowly must not reallocate on every get, and one at most TrimAbove long keeps its room.
        var store = new PriorityStore<int>(Comparer<int>.Default);
        for (var i = 0; i < items; i++)
        {
            store.Add(i);
        }

        var capacity = store.Capacity;
        for (var i = 0; i < items; i++)
        {
            Assert.Equal(i, store.Take());
            if (capacity > Deque<int>.TrimAbove && store.Count < capacity / 8)
            {
                capacity = store.Count; // PriorityQueue.TrimExcess trims to the count
            }

            Assert.Equal(capacity, store.Capacity);
        }

        Assert.True(store.Capacity <= Deque<int>.TrimAbove, $"capacity {store.Capacity} after draining {items}");
    }

    [Fact]
    public void PriorityStore_GiveBackSeveral_TheyAllLeadTheEqualItemsAlreadyStored()
    {
        // Getters handed items while the queue was empty, canceled after puts filled it again: the
        // items they give back were put first, so they come out before the equal items stored.
        var store = new PriorityStore<(int Key, string Name)>(Comparer<(int Key, string Name)>.Create((a, b) => a.Key.CompareTo(b.Key)));
        foreach (var name in new[] { "c0", "c1", "c2", "c3" })
        {
            store.Add((1, name));
        }

        store.GiveBack((1, "b"), handOff: 1); // their getters' cancellations ran out of hand-off order
        store.GiveBack((1, "e"), handOff: 2);
        store.GiveBack((1, "a"), handOff: 0);

        var taken = Enumerable.Range(0, 7).Select(_ => store.Take().Name).ToList();
        Assert.Equal(["a", "b", "e", "c0", "c1", "c2", "c3"], taken);
    }
}
