// `coop demo pipeline`: producers → a bounded queue → workers → results, stopped by a deadline that
// cancels every task wherever it is (blocked on a full queue, waiting on an empty one, or busy).
// Then it counts: every item a producer put is either processed, interrupted in a worker's hands
// (taken, not finished), or still in the queue — none lost, none duplicated, which is what
// CoopQueue's cancel-safety promises. The tasks run in a TaskGroup inside CancelScope.MoveOnAfter
// (docs/structure.md): the deadline cancels the whole group.
namespace Coop.Cli.Demos;

internal sealed class PipelineDemo : Demo
{
    private const int Producers = 3;
    private const int Workers = 4;
    private const int Capacity = 8;

    public override string Name => "pipeline";

    public override string Summary => "producers → bounded queue → workers, canceled by a deadline; counts that no item was lost";

    public override int Order => 100; // after the talk's demos

    public override int Run(DemoContext context)
    {
        var report = EventLoop.Run(Pipeline(Math.Min(context.Seconds, 2.0)));
        context.Out.WriteLine($"pipeline: {Producers} producers → queue (max {Capacity}) → {Workers} workers, deadline {report.Seconds:0.##} s");
        context.Out.WriteLine($"  put by producers   {report.Put,10:N0}");
        context.Out.WriteLine($"  processed          {report.Processed,10:N0}");
        context.Out.WriteLine($"  interrupted in hand{report.Interrupted,10:N0}");
        context.Out.WriteLine($"  left in the queue  {report.Left,10:N0}");
        context.Out.WriteLine(report.Lost == 0 && report.Duplicated == 0
            ? $"  none lost, none duplicated ({report.Put:N0} = {report.Processed:N0} + {report.Interrupted:N0} + {report.Left:N0})"
            : $"  LOST {report.Lost}, DUPLICATED {report.Duplicated}");
        return report.Lost == 0 && report.Duplicated == 0 ? 0 : 1;
    }

    internal static async Coroutine<PipelineReport> Pipeline(double seconds)
    {
        var queue = new CoopQueue<long>(Capacity);
        var put = new HashSet<long>();
        var processed = new List<long>();
        var interrupted = new List<long>();

        async Coroutine Produce(int id)
        {
            for (long n = 0; ; n++)
            {
                var item = (n * Producers) + id;
                await queue.PutAsync(item);
                put.Add(item);
            }
        }

        async Coroutine Work()
        {
            while (true)
            {
                var item = await queue.GetAsync();
                try
                {
                    await Coroutine.Yield(); // the work: one trip through the loop
                    processed.Add(item);
                }
                catch (CanceledException)
                {
                    interrupted.Add(item);
                    throw;
                }
            }
        }

        // The whole group runs inside a cancel scope with a deadline: when it passes, every producer
        // and worker is canceled wherever it is, the group waits for them all, and the scope
        // absorbs its own cancellation.
        await CancelScope.MoveOnAfter(seconds, async _ =>
        {
            await TaskGroup.Run(async group =>
            {
                for (var i = 0; i < Producers; i++)
                {
                    group.Start(Produce(i));
                }

                for (var i = 0; i < Workers; i++)
                {
                    group.Start(Work());
                }
            });
        });

        var left = new List<long>();
        while (queue.TryGet(out var item))
        {
            left.Add(item);
        }

        var accounted = processed.Concat(interrupted).Concat(left).ToList();
        var accountedSet = accounted.ToHashSet();
        var duplicated = accounted.Count - accountedSet.Count + accountedSet.Count(x => !put.Contains(x));
        var lost = put.Count(x => !accountedSet.Contains(x));
        return new PipelineReport(seconds, put.Count, processed.Count, interrupted.Count, left.Count, lost, duplicated);
    }
}

/// <summary>What the pipeline demo counted.</summary>
internal sealed record PipelineReport(double Seconds, int Put, int Processed, int Interrupted, int Left, int Lost, int Duplicated);
