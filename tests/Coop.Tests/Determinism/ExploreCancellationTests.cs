using Coop.Tests.Determinism.Samples;
using Coop.Tests.Support;

namespace Coop.Tests.Determinism;

public class ExploreCancellationTests
{
    /// <summary>A worker that takes items from a queue, processes each across awaits, and holds a
    /// lock while it does. <paramref name="careful"/> puts an item back and releases the lock when
    /// canceled; the careless version loses the item and keeps the lock.</summary>
    private static async Coroutine Worker(ScheduleProbes probes, bool careful)
    {
        var queue = new Queue<int>([1, 2, 3]);
        var done = new List<int>();
        var guard = new SampleLock();
        probes.Invariant("no queue item lost", () => queue.Count + done.Count == 3);
        probes.Invariant("the lock is released", () => !guard.IsHeld);

        while (queue.Count > 0)
        {
            await guard.Acquire();
            var item = queue.Dequeue();
            if (careful)
            {
                using (probes.Finally("process item"))
                {
                    try
                    {
                        await Coroutine.Sleep(0.1);
                        await Coroutine.Yield();
                        done.Add(item);
                    }
                    catch (CanceledException)
                    {
                        queue.Enqueue(item);
                        throw;
                    }
                    finally
                    {
                        guard.Release();
                    }
                }
            }
            else
            {
                await Coroutine.Sleep(0.1);
                await Coroutine.Yield();
                done.Add(item);
                guard.Release();
            }
        }
    }

    [Fact]
    public void CancelAtEachAwait_CarefulWorker_PassesAtEveryAwaitPoint()
    {
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(p => Worker(p, careful: true)));
        Assert.Equal(6, points); // two awaits per item, three items
    }

    [Fact]
    public void CancelAtEachAwait_CarelessWorker_FailsAtFirstPointNamingTheInvariant()
    {
        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => Explore.CancelAtEachAwait(p => Worker(p, careful: false))));
        Assert.Contains("await point 1 of 6", error.Message, StringComparison.Ordinal);
        Assert.Contains("no queue item lost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelAtEachAwait_ChildTaskLeftRunning_FailsAsLeak()
    {
        static async Coroutine Parent(ScheduleProbes probes)
        {
            var child = EventLoop.Current.CreateTask(Child(), "child");
            await Coroutine.Sleep(1); // canceled here, the parent forgets its child
            await child;
        }

        static async Coroutine Child() => await Coroutine.Sleep(5);

        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => Explore.CancelAtEachAwait(Parent)));
        Assert.Contains("'child'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelAtEachAwait_NamedTarget_CancelsThatTask()
    {
        var canceledAt = new List<int>();
        async Coroutine Main(ScheduleProbes probes)
        {
            async Coroutine Pinger()
            {
                for (var i = 0; i < 3; i++)
                {
                    try
                    {
                        await Coroutine.Sleep(1);
                    }
                    catch (CanceledException)
                    {
                        canceledAt.Add(i);
                        throw;
                    }
                }
            }

            var pinger = EventLoop.Current.CreateTask(Pinger(), "pinger");
            try
            {
                await pinger;
            }
            catch (CanceledException) when (pinger.IsCanceled)
            {
                // expected when the pinger is the one canceled
            }
        }

        var points = Bounded.Run(() => Explore.CancelAtEachAwait(Main, target: "pinger"));
        Assert.Equal(3, points);
        Assert.Equal([0, 1, 2], canceledAt);
    }

    [Fact]
    public void CancelAtEachAwait_BodyFailsWithoutCancellation_SaysSo()
    {
        static async Coroutine Broken(ScheduleProbes probes)
        {
            await Coroutine.Yield();
            throw new InvalidOperationException("always");
        }

        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => Explore.CancelAtEachAwait(Broken)));
        Assert.Contains("even without cancellation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelAtEachAwait_AsyncLambdaBody_AsInTheDocs()
    {
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(async probes =>
        {
            using (probes.Finally("nap"))
            {
                await Coroutine.Sleep(1);
                await Coroutine.Sleep(1);
            }
        }));
        Assert.Equal(2, points);
    }

    [Fact]
    public void CancelAtEachAwait_BodyWithoutProbes_CountsItsAwaitPoints()
    {
        static async Coroutine ThreeNaps()
        {
            await Coroutine.Sleep(1);
            await Coroutine.Yield();
            await Coroutine.Sleep(1);
        }

        Assert.Equal(3, Bounded.Run(() => Explore.CancelAtEachAwait(ThreeNaps)));
    }

    [Fact]
    public void CancelAtEachAwait_EmptyTarget_ThrowsNamingTheArgument()
    {
        var error = Assert.Throws<ArgumentException>(() => Explore.CancelAtEachAwait(p => Worker(p, true), target: ""));
        Assert.Equal("target", error.ParamName);
    }
}
