// The talk's In[40]-In[45]: the same two tasks, with AsyncIsPrime called through yield from.
// The message keeps its 2.5 s rhythm while primes are found. See BaggageExperiment.
namespace Coop.Cli.Demos;

/// <summary>The message keeps its rhythm beside the cooperative <c>AsyncIsPrime</c>.</summary>
internal sealed class CooperativeDemo : Demo
{
    public override string Name => "cooperative";

    public override string Summary => "the same with AsyncIsPrime and yield from: the message keeps its rhythm (endless; --seconds)";

    public override int Order => 70;

    public override string? ProgressText(double seconds) => EndlessDemo.Progress(Name, seconds);

    public override bool RecordsTimeline => true;

    public override int Run(DemoContext context) => BaggageExperiment.Run(context, blocking: false);
}
