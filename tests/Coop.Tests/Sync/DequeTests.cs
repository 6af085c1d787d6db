using Coop.Core;
using CsCheck;

namespace Coop.Tests.Sync;

public class DequeTests
{
    [Fact]
    public void Operations_MatchALinkedListModel()
    {
        Gen.Int[0, 3].Array[0, 200].Sample(ops =>
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
                }

                Assert.Equal(model.Count, deque.Count);
            }

            Assert.Equal(model, Enumerable.Range(0, deque.Count).Select(i => deque[i]));
        });
    }

    [Fact]
    public void PopFront_Empty_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new Deque<int>().PopFront());
        Assert.Throws<InvalidOperationException>(() => new Deque<int>().PopBack());
    }
}
