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
