// The talk's cooperative searches run on its Scheduler, shown as the notebook shows them: each search
// added (its id printed), the run with the Scheduler's trace, then each result. SchedulerDemo runs
// one search (In[19]-In[22]), TwoSearchesDemo two that take turns (In[23]-In[26]).
using Coop.Talk;

using static Coop.Talk.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Runs one <c>AsyncSearch</c> per digit count on one <see cref="Scheduler"/>, echoing the
/// notebook's inputs and printing each task's result.</summary>
internal static class SchedulerSearches
{
    /// <summary>One search for the first Lucas number with at least that many digits, per entry of
    /// <paramref name="digits"/>, all on one scheduler; <paramref name="timeline"/>, if any, records it.</summary>
    public static int Run(TextWriter output, DemoTimeline? timeline, params int[] digits)
    {
        using var scheduler = new Scheduler(output);
        timeline?.Observe(scheduler.Loop, axis: TimelineAxis.Steps); // steps of microseconds: their order is the point
        var ids = new List<int>(digits.Length);
        foreach (var d in digits)
        {
            output.WriteLine($"> scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= {d}))");
            var id = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= d));
            scheduler.Loop.AllTasks().Single(t => t.Id == id).Name = $"AsyncSearch({d} digits)"; // the timeline's lane label
            output.WriteLine(id);
            ids.Add(id);
        }

        output.WriteLine("> scheduler.RunToCompletion()");
        scheduler.RunToCompletion();
        foreach (var id in ids)
        {
            output.WriteLine($"> scheduler.CompletedTaskResults[{id}]");
            output.WriteLine(scheduler.CompletedTaskResults[id]);
        }

        return 0;
    }
}
