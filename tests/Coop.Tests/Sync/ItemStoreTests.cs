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

    [Fact]
    public void PriorityStore_GiveBack_IsFirstAmongEquals()
    {
        var store = new PriorityStore<int>(Comparer<int>.Default);
        store.Add(5);
        store.Add(5);
        var taken = store.Take();
        store.Add(1);
        store.GiveBack(taken);
        Assert.Equal(1, store.Take());
        Assert.Equal(5, store.Take());
        Assert.Equal(5, store.Take());
    }
}
