using CsCheck;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopPriorityQueueTests
{
    [Fact]
    public void Get_ReturnsSmallestFirst_EqualItemsInArrivalOrder()
    {
        Run(async () =>
        {
            var q = new CoopPriorityQueue<(int Priority, string Name)>(
                comparer: Comparer<(int Priority, string Name)>.Create((a, b) => a.Priority.CompareTo(b.Priority)));
            await q.PutAsync((2, "x"));
            await q.PutAsync((1, "a"));
            await q.PutAsync((2, "y"));
            await q.PutAsync((1, "b"));
            var names = new List<string>();
            while (q.TryGet(out var item))
            {
                names.Add(item.Name);
            }

            Assert.Equal(["a", "b", "x", "y"], names);
        });
    }

    [Fact]
    public void Cancel_GetterAfterHandOff_ItemIsNextOutAgain()
    {
        Run(async () =>
        {
            var q = new CoopPriorityQueue<int>();
            var loop = EventLoop.Current;
            var b = loop.CreateTask(Await(q.GetAsync()));
            await Ticks(1);
            q.PutNowait(5); // handed to b
            q.PutNowait(5);
            q.PutNowait(9);
            b.Cancel();
            await Ticks(1);
            Assert.Equal([5, 5, 9], [q.GetNowait(), q.GetNowait(), q.GetNowait()]);
        });
    }

    [Fact]
    public void Cancel_GetterAfterHandOff_TheItemLeadsTheEqualItemsPutAfterIt()
    {
        Run(async () =>
        {
            var q = new CoopPriorityQueue<(int Priority, string Name)>(
                comparer: Comparer<(int Priority, string Name)>.Create((a, b) => a.Priority.CompareTo(b.Priority)));
            var loop = EventLoop.Current;
            var getter = loop.CreateTask(Await(q.GetAsync()));
            await Ticks(1);
            q.PutNowait((5, "first"));  // handed to the getter
            q.PutNowait((5, "second"));
            q.PutNowait((5, "third"));
            getter.Cancel();
            await Ticks(1);             // the getter gives "first" back
            Assert.Equal(["first", "second", "third"], new[] { q.GetNowait().Name, q.GetNowait().Name, q.GetNowait().Name });
        });
    }

    [Fact]
    public void Property_RandomCancellation_NoItemLostOrDuplicated()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[0, 3], Gen.Int[1, 10], Gen.Int[0, 8], Gen.Int)
            .Sample((p, c, max, per, cancels, seed) =>
                CoopQueueTests.CheckNoLoss(new CoopPriorityQueue<int>(max), p, c, per, cancels, seed), iter: 50);
    }

    [Fact]
    public void Get_WithAComparer_ItsOrderNotTheDefault()
    {
        Run(async () =>
        {
            var q = new CoopPriorityQueue<int>(comparer: Comparer<int>.Create((a, b) => b.CompareTo(a)));
            await q.PutAsync(1);
            await q.PutAsync(3);
            await q.PutAsync(2);
            Assert.Equal([3, 2, 1], new[] { q.GetNowait(), q.GetNowait(), q.GetNowait() });
        });
    }
}
