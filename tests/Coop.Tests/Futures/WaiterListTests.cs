using System.Runtime.CompilerServices;
using CsCheck;

namespace Coop.Tests.Futures;

/// <summary>Futures/WaiterList.cs against a plain list: adds, sweeps that drop entries (Compact) and
/// RemoveAll keep exactly the list's entries in the list's order, across chunk boundaries.</summary>
public class WaiterListTests
{
    [Fact]
    public void RandomAddsAndSweeps_KeepTheOrderOfAListModel()
    {
        // (entries to add, every how many to drop, how many to drop with RemoveAll's predicate)
        var program = Gen.Select(Gen.Int[0, 9000], Gen.Int[1, 7], Gen.Bool).Array[1, 6];
        program.Sample(steps =>
        {
            var list = new WaiterList();
            var model = new List<object>();
            var next = 0;
            foreach (var (adds, dropEvery, useRemoveAll) in steps)
            {
                for (var i = 0; i < adds; i++)
                {
                    var item = (object)next++;
                    list.Add(item);
                    model.Add(item);
                }

                if (useRemoveAll)
                {
                    Assert.Equal(model.RemoveAll(o => (int)o % dropEvery == 0), list.RemoveAll(o => (int)o % dropEvery == 0));
                }
                else
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        if ((int)list[i]! % dropEvery == 0)
                        {
                            list[i] = null;
                        }
                    }

                    list.Compact();
                    model.RemoveAll(o => (int)o % dropEvery == 0);
                }

                Assert.Equal(model.Count, list.Count);
                Assert.Equal(model, Enumerable.Range(0, list.Count).Select(i => list[i]!));
                Assert.Equal(model.Count > 0, list.Exists(_ => true));
            }
        }, iter: 60);
    }

    [Fact]
    public void Add_AFewEntries_GrowsAsAListWouldNotAChunkAtATime()
    {
        // Most futures with waiters have a few: a short list must stay small (a chunk is 32 KB).
        var waiter = new object();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var list = new WaiterList();
        for (var i = 0; i < 16; i++)
        {
            list.Add(waiter);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(16, list.Count);
        Assert.True(allocated < 2048, $"{allocated} bytes for 16 entries");
    }

    [Fact]
    public void Compact_EntriesDropped_NotKeptAlive()
    {
        // A task that left a long-lived future must not stay reachable through a slot past the end.
        var list = new WaiterList();
        var dropped = AddThenDropTheLastTwo(list);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(dropped.IsAlive);
        Assert.Equal(1, list.Count);
        GC.KeepAlive(list);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AddThenDropTheLastTwo(WaiterList list)
    {
        var middle = new object();
        var last = new object();
        list.Add("first");
        list.Add(middle);
        list.Add(last);
        Assert.Equal(1, list.RemoveAll(o => o == middle)); // the last moves up a slot
        Assert.Equal(1, list.RemoveAll(o => o == last));
        Assert.Equal("first", list[0]);
        return new WeakReference(last);
    }
}
