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
    public void Dequeue_AfterABurst_GivesTheSegmentsBackAndKeepsWhatIsQueuedInOrder()
    {
        var queue = new ReadyQueue();
        const int burst = ReadyQueue.SegmentLength * 64;
        for (var i = 0; i < burst; i++)
        {
            queue.Enqueue(_ => { }, i);
        }

        Assert.True(queue.Capacity >= burst);
        for (var i = 0; i < burst - 10; i++)
        {
            queue.Dequeue();
        }

        Assert.True(queue.Capacity <= 3 * ReadyQueue.SegmentLength, $"capacity {queue.Capacity} after the burst drained");
        Assert.Equal(Enumerable.Range(burst - 10, 10), Enumerable.Range(0, 10).Select(_ => (int)queue.Dequeue().State!));
    }

    [Fact]
    public void EnqueueAndDequeue_SteadyAroundASegmentsLength_AllocatesNothing()
    {
        var queue = new ReadyQueue();
        void Cycle()
        {
            for (var i = 0; i < ReadyQueue.SegmentLength * 3; i++)
            {
                queue.Enqueue(null!, null); // the state is never run here
                if (queue.Count > ReadyQueue.SegmentLength / 2)
                {
                    queue.Dequeue();
                }
            }
        }

        Cycle(); // the spare segment exists from now on
        var before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
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
