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
        var cpuInRegion = new double[2];
        using (var group = new LoopGroup(new LoopGroupOptions { LoopCount = loops, Name = "w1" }))
        {
            group.Start(shard => generator ? GeneratorShare(shard) : AsyncShare(shard));
            group.Wait();
        }

        var elapsed = Stopwatch.GetElapsedTime(starts.Min(), ends.Max()).TotalSeconds;
        var impl = $"coop ({(generator ? "generators" : "async")}, {loops} loops)";
        // The process CPU of the timed region (read by the first loop to start and the last to end):
        // cpu_s / elapsed_s is how many cores the group had, which on a shared machine is below N.
        Report.W1(impl, tasks, yields, elapsed, done.Sum(c => c.Value), loops, cpuInRegion[1] - cpuInRegion[0]);
        return 0;

        void Started(int index)
        {
            var now = Stopwatch.GetTimestamp();
            lock (cpuInRegion)
            {
                if (starts.All(s => s == 0))
                {
                    cpuInRegion[0] = Measure.CpuSeconds();
                }

                starts[index] = now;
            }
        }

        void Ended(int index)
        {
            lock (cpuInRegion)
            {
                ends[index] = Stopwatch.GetTimestamp();
                if (ends.All(e => e != 0))
                {
                    cpuInRegion[1] = Measure.CpuSeconds();
                }
            }
        }

        int ShareOf(int index) => tasks / loops + (index < tasks % loops ? 1 : 0);

        async Coroutine AsyncShare(LoopShard shard)
        {
            var loop = shard.Loop;
            var counter = done[shard.Index] = new Counter();
            Started(shard.Index);
            var handles = new CoopTask[ShareOf(shard.Index)];
            for (var i = 0; i < handles.Length; i++)
            {
                handles[i] = loop.CreateTask(AsyncWorkloads.Switcher(yields, counter));
            }

            foreach (var t in handles)
            {
                await t;
            }

            Ended(shard.Index);
        }

        async Coroutine GeneratorShare(LoopShard shard) => await shard.Loop.CreateTask(GeneratorMain(shard));

        IEnumerable<object?> GeneratorMain(LoopShard shard)
        {
            var loop = shard.Loop;
            var counter = done[shard.Index] = new Counter();
            Started(shard.Index);
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

            Ended(shard.Index);
        }
    }
}
