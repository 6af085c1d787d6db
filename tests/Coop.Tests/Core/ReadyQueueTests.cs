using Coop.Core;

namespace Coop.Tests.Core;

public class ReadyQueueTests
{
    [Fact]
    public void Enqueue_PastCapacityWhileWrapped_KeepsFifoOrder()
    {
        var queue = new ReadyQueue();
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                queue.Enqueue(_ => { }, next++);
            }

            for (var i = 0; i < 30; i++)
            {
                Assert.Equal(expected++, (int)queue.Dequeue().State!);
            }
        }

        while (queue.Count > 0)
        {
            Assert.Equal(expected++, (int)queue.Dequeue().State!);
        }

        Assert.Equal(next, expected);
    }

    [Fact]
    public void TrimExcess_AfterABurst_ShrinksButKeepsWhatIsQueuedInOrder()
    {
        var queue = new ReadyQueue();
        const int burst = ReadyQueue.TrimAbove * 4;
        for (var i = 0; i < burst; i++)
        {
            queue.Enqueue(_ => { }, i);
        }

        var grown = queue.Capacity;
        queue.TrimExcess();
        Assert.Equal(grown, queue.Capacity); // full: nothing to give back

        for (var i = 0; i < burst - 10; i++)
        {
            queue.Dequeue(); // the head wraps past the middle of the ring
        }

        queue.TrimExcess();
        Assert.True(queue.Capacity <= ReadyQueue.TrimAbove, $"capacity {queue.Capacity} after the burst drained");
        Assert.Equal(Enumerable.Range(burst - 10, 10), Enumerable.Range(0, 10).Select(_ => (int)queue.Dequeue().State!));
    }

    [Fact]
    public void TrimExcess_SmallQueue_IsLeftAlone()
    {
        var queue = new ReadyQueue();
        for (var i = 0; i < 1000; i++)
        {
            queue.Enqueue(_ => { }, i);
        }

        while (queue.Count > 0)
        {
            queue.Dequeue();
        }

        var capacity = queue.Capacity;
        queue.TrimExcess();
        Assert.Equal(capacity, queue.Capacity);
    }

    [Fact]
    public void MoveToFront_KeepsTheOthersInOrder()
    {
        var queue = new ReadyQueue();
        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(_ => { }, i);
        }

        queue.MoveToFront(3);
        Assert.Equal([3, 0, 1, 2, 4], Enumerable.Range(0, 5).Select(_ => (int)queue.Dequeue().State!));
    }
}
