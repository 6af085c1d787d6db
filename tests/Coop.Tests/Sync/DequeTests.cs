using System.Runtime.CompilerServices;
using Coop.Core;
using CsCheck;

namespace Coop.Tests.Sync;

public class DequeTests
{
    [Fact]
    public void Operations_MatchALinkedListModel()
    {
        // Bursts (op 5 pushes a hundred) make it grow past the trim floor, so shrinking is exercised too.
        Gen.Int[0, 5].Array[0, 300].Sample(ops =>
        {
            var deque = new Deque<int>();
            var model = new LinkedList<int>();
            var next = 0;
            foreach (var op in ops)
            {
                switch (op)
                {
                    case 0:
                        deque.PushBack(next);
                        model.AddLast(next++);
                        break;
                    case 1:
                        deque.PushFront(next);
                        model.AddFirst(next++);
                        break;
                    case 2 when model.Count > 0:
                        Assert.Equal(model.First!.Value, deque.PopFront());
                        model.RemoveFirst();
                        break;
                    case 3 when model.Count > 0:
                        Assert.Equal(model.Last!.Value, deque.PopBack());
                        model.RemoveLast();
                        break;
                    case 4:
                        deque.RemoveWhere(x => x % 3 == 0);
                        for (var node = model.First; node != null;)
                        {
                            var after = node.Next;
                            if (node.Value % 3 == 0)
                            {
                                model.Remove(node);
                            }

                            node = after;
                        }

                        break;
                    case 5:
                        for (var i = 0; i < 100; i++)
                        {
                            deque.PushBack(next);
                            model.AddLast(next++);
                        }

                        break;
                }

                Assert.Equal(model.Count, deque.Count);
                Assert.True(deque.Capacity <= Math.Max(Deque<int>.TrimAbove, 8 * Math.Max(1, deque.Count)),
                    $"capacity {deque.Capacity} for {deque.Count} items");
            }

            Assert.Equal(model, Enumerable.Range(0, deque.Count).Select(i => deque[i]));
        });
    }

    [Fact]
    public void PopFront_AfterABurst_MemoryGivenBack()
    {
        var deque = new Deque<int>();
        for (var i = 0; i < 100_000; i++)
        {
            deque.PushBack(i);
        }

        for (var i = 0; i < 100_000; i++)
        {
            Assert.Equal(i, deque.PopFront());
        }

        Assert.Equal(Deque<int>.TrimAbove, deque.Capacity);
    }

    [Fact]
    public void PopFront_Empty_ThrowsSayingItIsEmpty()
    {
        Assert.Contains("empty", Assert.Throws<InvalidOperationException>(() => new Deque<int>().PopFront()).Message);
        Assert.Contains("empty", Assert.Throws<InvalidOperationException>(() => new Deque<int>().PopBack()).Message);
        Assert.Contains("empty", Assert.Throws<InvalidOperationException>(() => new Deque<int>().PeekFront()).Message);
    }

    [Fact]
    public void PushFront_Full_GrowsAndKeepsTheOrder()
    {
        var deque = new Deque<int>();
        for (var i = 1; i <= 8; i++)
        {
            deque.PushBack(i);
        }

        Assert.Equal(8, deque.Capacity);
        deque.PushFront(0);
        Assert.Equal(16, deque.Capacity);
        Assert.Equal(Enumerable.Range(0, 9), Enumerable.Range(0, deque.Count).Select(i => deque[i]));
    }

    [Fact]
    public void PopBack_AfterABurst_MemoryGivenBack()
    {
        var deque = new Deque<int>();
        for (var i = 0; i < 10_000; i++)
        {
            deque.PushBack(i);
        }

        for (var i = 9_999; i >= 0; i--)
        {
            Assert.Equal(i, deque.PopBack());
        }

        Assert.Equal(Deque<int>.TrimAbove, deque.Capacity);
    }

    // Shrinks only when under an eighth full, to a quarter, never below the floor (Deque.TrimExcess).
    [Theory]
    [InlineData(1000, 0, 64)]   // 1024 → 256 → 64, and no further
    [InlineData(1000, 32, 256)] // under an eighth of 1024, not of 256
    [InlineData(1000, 127, 256)]
    [InlineData(1000, 128, 1024)] // exactly an eighth: kept
    [InlineData(100, 15, 64)]
    [InlineData(100, 16, 128)]
    public void RemoveWhere_MostItems_MemoryGivenBackDownToAQuarterOrTheFloor(int pushed, int kept, int capacity)
    {
        var deque = new Deque<int>();
        for (var i = 0; i < pushed; i++)
        {
            deque.PushBack(i);
        }

        deque.RemoveWhere(x => x >= kept);
        Assert.Equal(capacity, deque.Capacity);
        Assert.Equal(Enumerable.Range(0, kept), Enumerable.Range(0, deque.Count).Select(i => deque[i]));
    }

    [Fact]
    public void PushAndPop_SwingingAroundOneSize_AllocateNothing()
    {
        // At the floor (64, nearly empty) and at exactly an eighth full (16 of 128) the deque keeps
        // its array: a queue that swings around one size must not reallocate on every pop.
        foreach (var (filled, low) in new[] { (64, 0), (100, 16) })
        {
            var deque = new Deque<int>();
            for (var i = 0; i < filled; i++)
            {
                deque.PushBack(i);
            }

            while (deque.Count > low)
            {
                deque.PopFront();
            }

            var capacity = deque.Capacity;
            deque.PushBack(0);
            deque.PopFront();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                deque.PushBack(i);
                deque.PopFront();
                deque.PushBack(i);
                deque.PopBack();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(capacity, deque.Capacity);
        }
    }

    [Fact]
    public void Reserve_WithinCapacity_KeepsIt()
    {
        var deque = new Deque<int>();
        deque.Reserve(deque.Capacity);
        Assert.Equal(8, deque.Capacity);
        deque.Reserve(3);
        Assert.Equal(8, deque.Capacity);
    }

    [Fact]
    public void Reserve_OneMoreThanCapacity_DoublesIt()
    {
        // At least doubling keeps growth amortized O(1) when callers reserve one more at a time.
        var deque = new Deque<int>();
        deque.PushBack(1);
        deque.Reserve(9);
        Assert.Equal(16, deque.Capacity);
        deque.Reserve(100);
        Assert.Equal(100, deque.Capacity);
        Assert.Equal(1, deque.PopFront());
    }

    [Fact]
    public void ItemsTakenOut_AnyWay_NotKeptAlive()
    {
        // A queue must not keep a taken item (a buffer, a connection) reachable: every way out clears its slot.
        var deques = new[] { new Deque<object>(), new Deque<object>(), new Deque<object>() };
        var gone = new[]
        {
            TakenByPopFrontAfterAGrowingPushFront(deques[0]),
            TakenByRemoveWhere(deques[1]),
            TakenByClear(deques[2]),
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(gone, item => Assert.False(item.IsAlive));
        GC.KeepAlive(deques);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference TakenByPopFrontAfterAGrowingPushFront(Deque<object> deque)
    {
        var item = new object();
        deque.PushBack(item);
        for (var i = 1; i < deque.Capacity; i++)
        {
            deque.PushBack(i);
        }

        deque.PushFront("first"); // full: grows, copying the items
        deque.PopFront();
        Assert.Same(item, deque.PopFront());
        return new WeakReference(item);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference TakenByRemoveWhere(Deque<object> deque)
    {
        var item = new object();
        deque.PushBack("kept");
        deque.PushBack(item);
        deque.RemoveWhere(x => x == item);
        Assert.Equal("kept", deque.PopFront());
        return new WeakReference(item);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference TakenByClear(Deque<object> deque)
    {
        var item = new object();
        deque.PushBack(item);
        deque.Clear();
        Assert.Equal(0, deque.Count);
        return new WeakReference(item);
    }
}
