using static Coop.Tests.Sync.SyncTest;

namespace Coop.Tests.Support;

/// <summary>The workload of the fair primitives' random-cancellation properties (CoopLock,
/// CoopSemaphore): workers each take the primitive five times, holding it for a few loop turns, while
/// the main task cancels random workers at random points. It asserts that every worker either
/// completed or was canceled (none hung on a swallowed hand-off) and runs the caller's check that
/// nothing leaked; the caller bounds the returned number of workers that were inside at once.</summary>
internal static class ContendedWorkers
{
    public static int MaxInsideUnderRandomCancellation<TPrimitive>(
        int workers,
        int cancels,
        int seed,
        Func<TPrimitive> create,
        Func<TPrimitive, Future> acquire,
        Action<TPrimitive> release,
        Action<TPrimitive> assertNothingLeaked)
    {
        var rng = new Random(seed);
        var inside = 0;
        var maxInside = 0;
        var completed = 0;
        Run(async () =>
        {
            var prim = create();
            var loop = EventLoop.Current;
            async Coroutine Worker(int s)
            {
                var r = new Random(s);
                for (var i = 0; i < 5; i++)
                {
                    await acquire(prim);
                    try
                    {
                        inside++;
                        maxInside = Math.Max(maxInside, inside);
                        await Ticks(r.Next(0, 3));
                    }
                    finally
                    {
                        inside--;
                        release(prim);
                    }
                }

                completed++;
            }

            var tasks = Enumerable.Range(0, workers).Select(_ => loop.CreateTask(Worker(rng.Next()))).ToList();
            for (var i = 0; i < cancels; i++)
            {
                await Ticks(rng.Next(0, 5));
                tasks[rng.Next(tasks.Count)].Cancel();
            }

            var canceled = 0;
            foreach (var t in tasks)
            {
                try
                {
                    await t;
                }
                catch (CanceledException)
                {
                    canceled++;
                }
            }

            Assert.Equal(workers, completed + canceled); // nobody hung on a swallowed hand-off
            assertNothingLeaked(prim);
        });
        return maxInside;
    }
}
