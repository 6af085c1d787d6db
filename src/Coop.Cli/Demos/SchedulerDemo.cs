// The talk's In[19]-In[22]: one cooperative search run by the Scheduler, which traces each step.
namespace Coop.Cli.Demos;

/// <summary>Runs one <c>AsyncSearch</c> on the talk's <see cref="Talk.Scheduler"/> and shows its trace.</summary>
internal sealed class SchedulerDemo : Demo
{
    public override string Name => "scheduler";

    public override string Summary => "the talk's Scheduler running one search task, step by step, to 103682";

    public override int Order => 40;

    public override bool RecordsTimeline => true;

    public override int Run(DemoContext context) => SchedulerSearches.Run(context.Out, context.Timeline, 6);
}
