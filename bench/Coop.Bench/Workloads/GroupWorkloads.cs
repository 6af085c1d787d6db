// W1 on a LoopGroup (`--loops N`, N > 1): each loop runs its share of the tasks (tasks / N, the first
// tasks % N loops one more), on its own thread, with the single loop's switcher coroutines. The timed
// region runs from the first loop's start to the last loop's end, so switches/s is the group's.
// Each loop counts its own finished tasks: nothing is shared between the loops while they run.
using System.Diagnostics;

namespace Coop.Bench.Workloads;

internal static class GroupWorkloads
{
    public static int W1(Options o, int loops)
    {
        int tasks = o.Int("tasks", 1000), yields = o.Int("yields", 10000);
        var generator = o.Kind switch
        {
            "generator" => true,
            "async" => false,
            _ => throw new ArgumentException($"--loops runs --kind generator or async, not {o.Kind}"),
        };
        var starts = new long[loops];
        var ends = new long[loops];
        var done = new Counter[loops];
        using (var group = new LoopGroup(new LoopGroupOptions { LoopCount = loops, Name = "w1" }))
        {
            group.Start(shard => generator ? GeneratorShare(shard) : AsyncShare(shard));
            group.Wait();
        }

        var elapsed = Stopwatch.GetElapsedTime(starts.Min(), ends.Max()).TotalSeconds;
        var impl = $"coop ({(generator ? "generators" : "async")}, {loops} loops)";
        Report.W1(impl, tasks, yields, elapsed, done.Sum(c => c.Value), loops);
        return 0;

        int ShareOf(int index) => tasks / loops + (index < tasks % loops ? 1 : 0);

        async Coroutine AsyncShare(LoopShard shard)
        {
            var loop = shard.Loop;
            var counter = done[shard.Index] = new Counter();
            starts[shard.Index] = Stopwatch.GetTimestamp();
            var handles = new CoopTask[ShareOf(shard.Index)];
            for (var i = 0; i < handles.Length; i++)
            {
                handles[i] = loop.CreateTask(AsyncWorkloads.Switcher(yields, counter));
            }

            foreach (var t in handles)
            {
                await t;
            }

            ends[shard.Index] = Stopwatch.GetTimestamp();
        }

        async Coroutine GeneratorShare(LoopShard shard) => await shard.Loop.CreateTask(GeneratorMain(shard));

        IEnumerable<object?> GeneratorMain(LoopShard shard)
        {
            var loop = shard.Loop;
            var counter = done[shard.Index] = new Counter();
            starts[shard.Index] = Stopwatch.GetTimestamp();
            var handles = new CoopTask[ShareOf(shard.Index)];
            for (var i = 0; i < handles.Length; i++)
            {
                handles[i] = loop.CreateTask(GeneratorWorkloads.Switcher(yields, counter));
            }

            foreach (var t in handles)
            {
                if (!t.IsDone)
                {
                    yield return t;
                }
            }

            ends[shard.Index] = Stopwatch.GetTimestamp();
        }
    }
}
