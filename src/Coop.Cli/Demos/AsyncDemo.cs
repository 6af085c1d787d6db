// `coop demo async`: the talk's final program (the repetitive message beside cooperative primes),
// written with async/await coroutines on Coop's event loop. The message keeps its 2.5 s rhythm
// while the primes are tested, because IsPrime awaits Coroutine.Yield after every division.
using Coop.Talk;

namespace Coop.Cli.Demos;

/// <summary>The message and the cooperative primes, with async/await.</summary>
internal sealed class AsyncDemo : Demo
{
    public override string Name => "async";

    public override string Summary => "the message and cooperative primes with async/await on the event loop (endless; --seconds)";

    public override int Order => 90;

    public override int Run(DemoContext context)
    {
        var output = new StampedWriter(context.Out, TimeProvider.System, TimeProvider.System.GetTimestamp());
        EventLoop.Run(RunDemo(output, context.Seconds));
        context.Out.WriteLine($"Stopped after {context.Seconds:0.##} s: the loop canceled both tasks.");
        return 0;
    }

    private static async Coroutine RunDemo(TextWriter output, double seconds)
    {
        var loop = EventLoop.Current;
        _ = loop.CreateTask(TalkAsyncFunctions.RepetitiveMessage(output, SleepDemo.Message, 2.5), "message");
        _ = loop.CreateTask(TalkAsyncFunctions.PrintMatches(output, TalkFunctions.Lucas(), TalkAsyncFunctions.IsPrime), "primes");
        await Coroutine.Sleep(seconds); // then EventLoop.Run cancels both tasks
    }
}
