using CsCheck;
using Coop.Tests.Support;
using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Sync;

public class CoopQueueTests
{
    [Fact]
    public void PutGet_Fifo_ItemsLeaveInOrder()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            for (var i = 0; i < 5; i++)
            {
                await q.PutAsync(i);
            }

            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(i, await q.GetAsync());
            }
        });
    }

    [Fact]
    public void Put_Full_WaitsUntilAGetMakesRoom()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(maxSize: 1);
            var loop = EventLoop.Current;
            await q.PutAsync(1);
            Assert.True(q.IsFull);
            var putter = loop.CreateTask(Put(q, 2));
            await Ticks(2);
            Assert.False(putter.IsDone);
            Assert.Equal(1, await q.GetAsync());
            await putter;
            Assert.Equal(2, q.GetNowait());
        });
    }

    [Fact]
    public void Constructor_NegativeMaxSize_IsUnbounded()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(maxSize: -3);
            Assert.Equal(0, q.MaxSize);
            for (var i = 0; i < 10; i++)
            {
                await q.PutAsync(i); // never waits
            }

            Assert.False(q.IsFull);
            Assert.Equal("<CoopQueue 10/∞>", q.ToString());
        });
    }

    [Fact]
    public void Get_Waiters_ServedInArrivalOrder()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var getters = Enumerable.Range(0, 3).Select(_ => loop.CreateTask(Get(q))).ToList();
            await Ticks(2);
            for (var i = 0; i < 3; i++)
            {
                q.PutNowait(i * 10);
            }

            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(i * 10, await getters[i]);
            }
        });
    }

    private static async Coroutine<int> Get(CoopQueue<int> q) => await q.GetAsync();

    [Fact]
    public void Cancel_GetterAfterHandOff_ItemGoesToNextGetter()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var b = loop.CreateTask(Get(q));
            var c = loop.CreateTask(Get(q));
            await Ticks(2);
            q.PutNowait(7);   // handed to b...
            b.Cancel();       // ...canceled before b runs
            Assert.Equal(7, await c);
            await Assert.ThrowsAsync<CanceledException>(async () => await b);
            Assert.True(q.IsEmpty);
        });
    }

    [Fact]
    public void Cancel_GetterAfterHandOff_ItemBackAtHeadOfQueue()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var b = loop.CreateTask(Get(q));
            await Ticks(2);
            q.PutNowait(1);   // handed to b
            q.PutNowait(2);
            b.Cancel();
            await Ticks(1);   // b reaches its await point and gives the item back
            Assert.Equal(1, q.GetNowait()); // order kept
            Assert.Equal(2, q.GetNowait());
        });
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("lifo")]
    [InlineData("priority")]
    public void Cancel_TwoGettersAfterTheirHandOffs_TheirItemsComeBackInTheOrderHandedOut(string kind)
    {
        Run(async () =>
        {
            CoopQueue<int> q = kind switch
            {
                "fifo" => new CoopQueue<int>(),
                "lifo" => new CoopLifoQueue<int>(),
                _ => new CoopPriorityQueue<int>(comparer: Comparer<int>.Create((_, _) => 0)), // all equal: ties decide
            };
            var loop = EventLoop.Current;
            var a = loop.CreateTask(Get(q));
            var b = loop.CreateTask(Get(q));
            await Ticks(2);
            q.PutNowait(1); // handed to a
            q.PutNowait(2); // handed to b
            q.PutNowait(3); // stored
            a.Cancel();
            b.Cancel();
            await Ticks(2); // each reaches its await point and gives its item back
            Assert.True(a.IsCanceled && b.IsCanceled);
            Assert.Equal([1, 2, 3], new[] { q.GetNowait(), q.GetNowait(), q.GetNowait() });
        });
    }

    // The hand-off left the store empty, so the next put was admitted; giving the revoked item back
    // then made the queue hold MaxSize + 1. Now the hand-off stands when the queue is full: the
    // getter keeps its item and is canceled at its next await.
    [Theory]
    [InlineData("fifo", false)]
    [InlineData("lifo", false)]
    [InlineData("priority", false)]
    [InlineData("fifo", true)]
    public void Cancel_GetterAfterHandOffWhileLaterPutsFilledTheQueue_NeverOverItsBound(string kind, bool generatorGetter)
    {
        Run(async () =>
        {
            CoopQueue<int> q = kind switch
            {
                "fifo" => new CoopQueue<int>(1),
                "lifo" => new CoopLifoQueue<int>(1),
                _ => new CoopPriorityQueue<int>(1),
            };
            var loop = EventLoop.Current;
            var got = new List<int>();
            var getter = generatorGetter ? loop.CreateTask(GeneratorGetter()) : loop.CreateTask(Getter());
            await Ticks(1);
            q.PutNowait(1); // handed to the getter
            q.PutNowait(2); // room: the store was left empty
            getter.Cancel();
            for (var i = 0; i < 3; i++)
            {
                await Coroutine.Yield();
                Assert.True(q.Count <= 1, $"{q.Count} items in a queue of 1");
            }

            await Assert.ThrowsAsync<CanceledException>(async () => await getter);
            Assert.Equal([1], got);          // it kept its item: nothing lost...
            Assert.Equal(2, q.GetNowait());  // ...nothing duplicated
            Assert.True(q.IsEmpty);

            async Coroutine Getter()
            {
                got.Add(await q.GetAsync());
                await Coroutine.Yield(); // the cancellation is raised here
                got.Add(-1);
            }

            IEnumerable<object?> GeneratorGetter()
            {
                var get = q.GetAsync();
                yield return get;
                got.Add(get.Result);
                yield return null;
                got.Add(-1);
            }
        });
    }

    [Fact]
    public void Cancel_PutterWhileWaiting_ItemNeverEntersQueue()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(maxSize: 1);
            var loop = EventLoop.Current;
            q.PutNowait(1);
            var p = loop.CreateTask(Put(q, 2));
            await Ticks(2);
            p.Cancel();
            await Ticks(1);
            Assert.Equal(1, q.GetNowait());
            Assert.True(q.IsEmpty);
            Assert.True(p.IsCanceled);
        });
    }

    [Fact]
    public void Cancel_PutterAfterAdmission_PutStandsAndCancelComesAtNextAwait()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(maxSize: 1);
            var loop = EventLoop.Current;
            var putReturned = false;
            async Coroutine Putter()
            {
                await q.PutAsync(2);
                putReturned = true;
                await Coroutine.Yield();
            }

            q.PutNowait(1);
            var p = loop.CreateTask(Putter());
            await Ticks(2);
            Assert.Equal(1, q.GetNowait()); // admits the putter: 2 is in the queue
            p.Cancel();
            await Assert.ThrowsAsync<CanceledException>(async () => await p);
            Assert.True(putReturned);
            Assert.Equal(2, q.GetNowait());
        });
    }

    private static async Coroutine Put(CoopQueue<int> q, int item) => await q.PutAsync(item);

    [Fact]
    public void GetNowait_Empty_ThrowsQueueEmpty()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var q = new CoopQueue<int>();
            var ex = Assert.Throws<QueueEmptyException>(() => q.GetNowait());
            Assert.Equal("The queue is empty: use GetAsync to wait for an item, or TryGet.", ex.Message);
            Assert.False(q.TryGet(out _));
        });
    }

    [Fact]
    public void PutNowait_Full_ThrowsQueueFull()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var q = new CoopQueue<int>(2);
            q.PutNowait(1);
            Assert.True(q.TryPut(2));
            var ex = Assert.Throws<QueueFullException>(() => q.PutNowait(3));
            Assert.Equal("The queue is full (2 items): use PutAsync to wait for room, or TryPut.", ex.Message);
            Assert.False(q.TryPut(3));
        });
    }

    [Fact]
    public void ToString_ShowsCountBoundAndShutdown()
    {
        Run(async () =>
        {
            await Coroutine.Yield();
            var bounded = new CoopQueue<int>(3);
            bounded.PutNowait(1);
            Assert.Equal("<CoopQueue 1/3>", bounded.ToString());
            var unbounded = new CoopLifoQueue<int>();
            Assert.Equal("<CoopLifoQueue 0/∞>", unbounded.ToString());
            unbounded.Shutdown();
            Assert.Equal("<CoopLifoQueue 0/∞ shut down>", unbounded.ToString());
        });
    }

    [Fact]
    public void PutAndGet_Uncontended_AllocateNothingAfterTheFirst()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>(4);
            await q.PutAsync(0); // the first makes the done future every later put shares
            q.GetNowait();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                await q.PutAsync(i);
                q.GetNowait();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Fact]
    public void Get_FromAnotherThread_ThrowsClearly()
    {
        var q = new CoopQueue<int>();
        Run(async () =>
        {
            await q.PutAsync(1);
            var error = await Task.Run(() => Record.Exception(() => q.GetNowait()));
            Assert.IsType<InvalidOperationException>(error);
            Assert.Equal(1, q.GetNowait());
        });
    }

    [Fact]
    public void Get_FromGenerator_ReadsResultAfterYield()
    {
        var got = new List<int>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var q = new CoopQueue<int>(maxSize: 1);
            IEnumerable<object?> Producer()
            {
                for (var i = 0; i < 3; i++)
                {
                    yield return q.PutAsync(i);
                }
            }

            IEnumerable<object?> Consumer()
            {
                for (var i = 0; i < 3; i++)
                {
                    var f = q.GetAsync();
                    yield return f;
                    got.Add(f.Result);
                }
            }

            loop.CreateTask(Producer());
            loop.RunUntilComplete(Consumer());
        });
        Assert.Equal([0, 1, 2], got);
    }

    [Fact]
    public void Get_LosingBranchOfWaitForFirst_CommitsNothing()
    {
        // The winner completes in the same step in which an item is handed to the losing Get: the
        // race cancels the loser, and the item must stay in the queue.
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var winner = loop.CreateFuture();
            var loser = loop.CreateTask(Get(q));
            var first = FirstOf(loop, winner, loser);
            await Ticks(2);
            loop.CallSoon(() =>
            {
                winner.SetResult(); // the other branch wins...
                q.PutNowait(42);              // ...in the same instant the item is handed to the loser's Get
            });
            Assert.Same(winner, await first);
            await Ticks(2);
            Assert.True(loser.IsCanceled);
            Assert.Equal(42, q.GetNowait());
        });
    }

    /// <summary>A minimal wait-for-first: completes with the first of the two to finish, cancels the other.</summary>
    internal static Future<Future> FirstOf(EventLoop loop, Future a, CoopTask b)
    {
        var first = loop.CreateFuture<Future>();
        a.AddDoneCallback(f =>
        {
            if (first.TrySetResult(f))
            {
                b.Cancel();
            }
        });
        b.AddDoneCallback(f =>
        {
            if (first.TrySetResult(f))
            {
                a.Cancel();
            }
        });
        return first;
    }

    [Fact]
    public void Property_RandomCancellation_NoItemLostOrDuplicated()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[0, 4], Gen.Int[1, 15], Gen.Int[0, 12], Gen.Int)
            .Sample((producers, consumers, maxSize, perProducer, cancels, seed) =>
                CheckNoLoss(new CoopQueue<int>(maxSize), producers, consumers, perProducer, cancels, seed),
                iter: 150);
    }

    [Fact]
    public void Property_RandomCancelScopes_NoItemLostOrDuplicated()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[0, 4], Gen.Int[1, 15], Gen.Int[0, 12], Gen.Int)
            .Sample((producers, consumers, maxSize, perProducer, cancels, seed) =>
                CheckNoLoss(new CoopQueue<int>(maxSize), producers, consumers, perProducer, cancels, seed, scopes: true),
                iter: 150);
    }

    /// <summary>Producers put distinct items, consumers get them, a chaos task cancels random
    /// producers and consumers at random moments, some right after putting an item a waiting
    /// consumer was handed (so the hand-off is revoked); then every item whose Put returned must have
    /// been got exactly once or still be in the queue, no other item may appear, and after every step
    /// the queue held no more than its bound.</summary>
    internal static void CheckNoLoss(CoopQueue<int> q, int producers, int consumers, int perProducer, int cancels, int seed, bool scopes = false)
    {
        var rng = new Random(seed);
        var put = new List<int>();
        var got = new List<int>();
        var remaining = new List<int>();
        var bound = new BoundWatch(q);
        Bounded.Run(() => EventLoop.Run(Main()));
        Assert.True(bound.Worst <= q.MaxSize || q.MaxSize == 0, $"the queue held {bound.Worst} items, over its bound {q.MaxSize}");

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            loop.Instrument = bound;
            var tasks = new List<CoopTask>();
            for (var p = 0; p < producers; p++)
            {
                tasks.Add(loop.CreateTask(Producer(p, rng.Next())));
            }

            var consumerTasks = new List<CoopTask>();
            var consumerScopes = new List<CancelScope>();
            for (var c = 0; c < consumers; c++)
            {
                var scope = new CancelScope();
                consumerScopes.Add(scope);
                var s = rng.Next();
                consumerTasks.Add(loop.CreateTask(scopes ? scope.RunAsync(_ => Consumer(s)) : Consumer(s)));
            }

            tasks.AddRange(consumerTasks);
            for (var i = 0; i < cancels; i++)
            {
                await Ticks(rng.Next(0, 6));
                var victim = rng.Next(tasks.Count);
                if (rng.Next(3) == 0 && q.TryPut(-1 - i))
                {
                    // Handed to a waiting consumer, if one waits; cancel one before it can run.
                    put.Add(-1 - i);
                    victim = producers + rng.Next(consumers);
                }

                if (scopes && victim >= producers && rng.Next(2) == 0)
                {
                    consumerScopes[victim - producers].Cancel(); // level-triggered, from outside the task
                }
                else
                {
                    tasks[victim].Cancel();
                }
            }

            // Chaos may have canceled every consumer: one more keeps blocked producers moving.
            consumerTasks.Add(loop.CreateTask(Consumer(rng.Next())));
            foreach (var t in tasks.Take(producers))
            {
                await Quietly(t);
            }

            // Let the consumers drain what they can, then stop them wherever they are.
            await Ticks(rng.Next(0, 4));
            foreach (var t in consumerTasks)
            {
                t.Cancel();
            }

            foreach (var t in consumerTasks)
            {
                await Quietly(t);
            }

            while (q.TryGet(out var item))
            {
                remaining.Add(item);
            }
        }

        async Coroutine Producer(int p, int s)
        {
            var r = new Random(s);
            for (var i = 0; i < perProducer; i++)
            {
                var item = (p * 1000) + i;
                await q.PutAsync(item);
                put.Add(item);
                await Ticks(r.Next(0, 3));
            }
        }

        async Coroutine Consumer(int s)
        {
            var r = new Random(s);
            while (true)
            {
                var item = await q.GetAsync();
                got.Add(item);
                await Ticks(r.Next(0, 3));
            }
        }

        var seen = got.Concat(remaining).OrderBy(x => x).ToList();
        var expected = put.OrderBy(x => x).ToList();
        Assert.True(expected.SequenceEqual(seen),
            $"put but never got: [{string.Join(",", expected.Except(seen))}]; got but never put: [{string.Join(",", seen.Except(expected))}]; " +
            $"duplicates: [{string.Join(",", seen.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key))}]; " +
            $"producers={producers} consumers={consumers} max={q.MaxSize} per={perProducer} cancels={cancels}");
    }

    /// <summary>The most items the queue held after any step.</summary>
    private sealed class BoundWatch(CoopQueue<int> q) : LoopInstrument
    {
        public int Worst { get; private set; }

        public override void AfterTaskStep(CoopTask task) => Worst = Math.Max(Worst, q.Count);
    }

    private static async Coroutine Quietly(CoopTask t)
    {
        try
        {
            await t;
        }
        catch (CanceledException)
        {
        }
    }

    [Fact]
    public void CancelScope_GetterAfterHandOff_ItemStaysInQueue()
    {
        Run(async () =>
        {
            var q = new CoopQueue<int>();
            var loop = EventLoop.Current;
            var scope = new CancelScope();
            var got = -1;
            var b = loop.CreateTask(scope.RunAsync(async _ => { got = await q.GetAsync(); }));
            await Ticks(3);
            q.PutNowait(9);
            scope.Cancel();
            await b;
            Assert.Equal(-1, got);
            Assert.Equal(9, q.GetNowait());
        });
    }

    [Fact]
    public void WaitFor_GetTimesOut_LaterItemStaysInQueue()
    {
        Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));

        static async Coroutine Main()
        {
            var q = new CoopQueue<int>();
            try
            {
                await Coroutine.WaitFor(q.GetAsync(), 5);
                Assert.Fail("nothing was put: the get must time out");
            }
            catch (TimeoutException)
            {
            }

            q.PutNowait(7); // the timed-out getter is not served
            Assert.Equal(1, q.Count);
            Assert.Equal(7, q.GetNowait());
        }
    }

    [Fact]
    public void WaitFor_ItemArrivesAtTheDeadline_ItemEitherReturnedOrStillQueued()
    {
        // The put and the timeout are due at the same virtual instant, the put first: the getter is
        // handed the item and then its scope's deadline cancels it before it resumes.
        var (returned, queued) = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.True(returned ^ queued, $"returned={returned} queued={queued}: the item must be in exactly one place");

        static async Coroutine<(bool, bool)> Main()
        {
            var loop = EventLoop.Current;
            var q = new CoopQueue<int>();
            loop.CallLater(5, () => q.PutNowait(7));
            var returned = false;
            try
            {
                returned = await Coroutine.WaitFor(q.GetAsync(), 5) == 7;
            }
            catch (TimeoutException)
            {
            }

            return (returned, q.Count == 1);
        }
    }
}
