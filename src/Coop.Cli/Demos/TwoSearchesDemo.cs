// The talk's In[23]-In[26]: two cooperative searches on one Scheduler, their steps interleaved.
namespace Coop.Cli.Demos;

/// <summary>Runs two <c>AsyncSearch</c> tasks round-robin on the talk's <see cref="Talk.Scheduler"/>.</summary>
internal sealed class TwoSearchesDemo : Demo
{
    public override string Name => "two-searches";

    public override string Summary => "two search tasks taking turns on one Scheduler: 1149851 and 141422324";

    public override int Order => 50;

    public override bool RecordsTimeline => true;

    public override int Run(DemoContext context) => SchedulerSearches.Run(context.Out, context.Timeline, 7, 9);
}
