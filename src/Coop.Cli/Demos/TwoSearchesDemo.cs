// The talk's In[23]-In[26]: two cooperative searches on one Scheduler, their steps interleaved.
using static Coop.TalkFunctions;

namespace Coop.Cli.Demos;

/// <summary>Runs two <c>AsyncSearch</c> tasks round-robin on the talk's <see cref="Scheduler"/>.</summary>
internal sealed class TwoSearchesDemo : Demo
{
    public override string Name => "two-searches";

    public override string Summary => "two search tasks taking turns on one Scheduler: 1149851 and 141422324";

    public override int Order => 50;

    public override int Run(DemoContext context)
    {
        var output = context.Out;
        using var scheduler = new Scheduler(output);
        output.WriteLine("> scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 7))");
        var first = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 7));
        output.WriteLine(first);
        output.WriteLine("> scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 9))");
        var second = scheduler.Add(AsyncSearch(Lucas(), x => x.ToString().Length >= 9));
        output.WriteLine(second);
        output.WriteLine("> scheduler.RunToCompletion()");
        scheduler.RunToCompletion();
        foreach (var id in new[] { first, second })
        {
            output.WriteLine($"> scheduler.CompletedTaskResults[{id}]");
            output.WriteLine(scheduler.CompletedTaskResults[id]);
        }

        return 0;
    }
}
