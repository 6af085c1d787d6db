// The talk's In[37]-In[39]: the repetitive message beside AsyncPrintMatches with the blocking
// IsPrime. The message stalls once the Lucas numbers get large. See BaggageExperiment.
namespace Coop.Cli.Demos;

/// <summary>The message task stalls while a blocking <c>IsPrime</c> runs in another task.</summary>
internal sealed class BlockingDemo : Demo
{
    public override string Name => "blocking";

    public override string Summary => "a message every 2.5 s beside a blocking IsPrime: the message stalls (endless; --seconds)";

    public override int Order => 60;

    public override string? ProgressText(double seconds) => EndlessDemo.Progress(Name, seconds);

    public override bool RecordsTimeline => true;

    public override int Run(DemoContext context) => BaggageExperiment.Run(context, blocking: true);
}
