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
    public void PopFront_Empty_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new Deque<int>().PopFront());
        Assert.Throws<InvalidOperationException>(() => new Deque<int>().PopBack());
    }
}
