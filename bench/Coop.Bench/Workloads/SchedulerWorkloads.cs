// W1 and W5 on the talk's Scheduler with tracing off (Scheduler(TextWriter.Null)), issue 2:
// Add(routine) and RunToCompletion(), generators as in the talk. The Scheduler is the event loop
// plus an instrument, so this measures what the trace hook costs on top of `--kind generator`.
using System.Diagnostics;
using Coop.Talk;

namespace Coop.Bench.Workloads;

internal static class SchedulerWorkloads
{
    private const string Impl = "coop (scheduler)";

    public static void Run(Options o)
    {
        switch (o.Workload)
        {
            case "W1": W1(o); break;
            case "W5": W5(o); break;
            default: throw new ArgumentException($"--kind scheduler runs W1 and W5 only (the talk's Scheduler has no timers or events), not {o.Workload}");
        }
    }

    private static void W1(Options o)
    {
        int tasks = o.Int("tasks", 1000), yields = o.Int("yields", 10000);
        var done = new Counter();
        using var scheduler = new Scheduler(TextWriter.Null);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < tasks; i++)
        {
            scheduler.Add(GeneratorWorkloads.Switcher(yields, done));
        }

        scheduler.RunToCompletion();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Report.W1(Impl, tasks, yields, elapsed, done.Value);
    }

    private static double TimeChain(int k, int yields, out bool ok)
    {
        using var scheduler = new Scheduler(TextWriter.Null);
        var start = Stopwatch.GetTimestamp();
        var id = scheduler.Add(GeneratorWorkloads.Level(k, yields));
        scheduler.RunToCompletion();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        ok = scheduler.CompletedTaskResults.TryGetValue(id, out var r) && r is 0;
        return elapsed;
    }

    private static void W5(Options o)
    {
        int depth = o.Int("depth", 1000), yields = o.Int("yields", 10000);
        TimeChain(0, yields, out _); // warm-up passes, not reported
        TimeChain(depth - 1, yields, out _);
        double el1 = double.MaxValue, el = double.MaxValue;
        var ok = true;
        for (var rep = 0; rep < 3; rep++) // best of three timed passes
        {
            el1 = Math.Min(el1, TimeChain(0, yields, out var ok1));
            el = Math.Min(el, TimeChain(depth - 1, yields, out var ok2));
            ok = ok && ok1 && ok2;
        }

        Report.W5(Impl, depth, yields, el, el1, ok);
    }
}
