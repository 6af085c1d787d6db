// The talk's In[19]-In[22]: one cooperative search run by the Scheduler, which traces each step.
using static Coop.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Runs one <c>AsyncSearch</c> on the talk's <see cref="Scheduler"/> and shows its trace.</summary>
internal sealed class SchedulerDemo : Demo
{
    public override string Name => "scheduler";

    public override string Summary => "the talk's Scheduler running one search task, step by step, to 103682";

    public override int Order => 40;

    public override int Run(DemoContext context)
    {
        var output = context.Out;
        using var scheduler = new Scheduler(output);
        output.WriteLine("> scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 6))");
        var id = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 6));
        output.WriteLine(id);
        output.WriteLine("> scheduler.RunToCompletion()");
        scheduler.RunToCompletion();
        output.WriteLine($"> scheduler.CompletedTaskResults[{id}]");
        output.WriteLine(scheduler.CompletedTaskResults[id]);
        return 0;
    }
}
