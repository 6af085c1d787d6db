using Coop.Tests.Support;

namespace Coop.Tests.Docs;

/// <summary>The examples of docs/sync.md, as written there, so the page cannot drift from the API.</summary>
public class SyncDocTests
{
    [Fact]
    public void ChannelExample_ProducerAndConsumer_PrintsEveryItem()
    {
        var printed = new List<int>();
        Bounded.Run(() =>
        {
            var (tx, rx) = CoopChannel.Create<int>(capacity: 8);

            async Coroutine Produce(ChannelSender<int> tx)
            {
                using (tx)
                {
                    for (var i = 0; i < 100; i++)
                    {
                        await tx.SendAsync(i);
                    }
                }
            }

            async Coroutine Consume(ChannelReceiver<int> rx)
            {
                await foreach (var item in rx)
                {
                    printed.Add(item);
                }
            }

            EventLoop.Run(Main());
            async Coroutine Main()
            {
                var loop = EventLoop.Current;
                var consumer = loop.CreateTask(Consume(rx));
                await Produce(tx);
                await consumer;
            }
        });
        Assert.Equal(Enumerable.Range(0, 100), printed);
    }

    [Fact]
    public void GeneratorExamples_WorkerAndDrain_Run()
    {
        var processed = new List<int>();
        var drained = new List<int>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var lk = new CoopLock();
            var q = new CoopQueue<int>();
            var (tx, rx) = CoopChannel.CreateUnbounded<int>();

            IEnumerable<object?> Worker(CoopLock lk, CoopQueue<int> q)
            {
                var get = q.GetAsync();
                yield return get;
                var item = get.Result;

                yield return lk.AcquireAsync();
                try
                {
                    processed.Add(item);
                }
                finally
                {
                    lk.Release();
                }
            }

            IEnumerable<object?> Drain(ChannelReceiver<int> rx, List<int> into)
            {
                while (!rx.IsCompleted)
                {
                    var next = rx.ReceiveAsync();
                    yield return next;
                    if (next.Exception is EndOfChannelException)
                    {
                        yield break;
                    }

                    into.Add(next.Result);
                }
            }

            async Coroutine Feed()
            {
                await Coroutine.Yield();
                await q.PutAsync(42);
                await tx.SendAsync(1);
                await tx.SendAsync(2);
                await Coroutine.Yield();
                tx.Close(); // Drain is waiting: it sees the end while parked
            }

            var worker = loop.CreateTask(Worker(lk, q));
            var drain = loop.CreateTask(Drain(rx, drained));
            loop.RunUntilComplete(Feed());
            loop.RunUntilComplete(worker);
            loop.RunUntilComplete(drain);
        });
        Assert.Equal([42], processed);
        Assert.Equal([1, 2], drained);
    }

    [Fact]
    public void QueueExample_JoinAndShutdown_Behave()
    {
        Bounded.Run(() => EventLoop.Run(Main()));

        static async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var q = new CoopQueue<string>(maxSize: 100);
            async Coroutine Worker()
            {
                while (true)
                {
                    var job = await q.GetAsync();
                    await Coroutine.Yield();
                    q.TaskDone();
                }
            }

            var w = loop.CreateTask(Worker());
            for (var i = 0; i < 10; i++)
            {
                await q.PutAsync($"job {i}");
            }

            await q.JoinAsync();
            q.Shutdown();
            try
            {
                await w;
                Assert.Fail("the worker should end with QueueShutDownException");
            }
            catch (QueueShutDownException)
            {
            }
        }
    }
}
