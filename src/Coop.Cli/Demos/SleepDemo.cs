// `coop demo sleep`: the talk's repetitive message alone, on a real timer. The talk's AsyncSleep is
// a busy wait that keeps one core at 100%; Coroutine.Sleep parks the task on a timer and the loop
// sleeps until the deadline. The demo ends by printing the CPU time the process used meanwhile.
using System.Diagnostics;

namespace Coop.Cli.Demos;

/// <summary>The repetitive message on real timers, with the CPU time it used.</summary>
internal sealed class SleepDemo : Demo
{
    public const string Message = "Unattended baggage will be destroyed";

    public override string Name => "sleep";

    public override string Summary => "the repetitive message on a real timer: prints the CPU time it used, near zero (endless; --seconds)";

    public override int Order => 80;

    public override int Run(DemoContext context)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var output = new StampedWriter(context.Out, TimeProvider.System, start); // shows the 2.5 s rhythm
        EventLoop.Run(RunDemo(output, context.Seconds));
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var wall = Stopwatch.GetElapsedTime(start);
        context.Out.WriteLine(
            $"CPU time used: {cpu.TotalMilliseconds:F0} ms in {wall.TotalSeconds:F1} s " +
            $"({100 * cpu.TotalSeconds / Math.Max(wall.TotalSeconds, 1e-9):F1}% of one core; the busy wait uses 100%).");
        return 0;
    }

    private static async Coroutine RunDemo(TextWriter output, double seconds)
    {
        _ = EventLoop.Current.CreateTask(RepetitiveMessage(output, Message, 2.5), "message");
        await Coroutine.Sleep(seconds); // then EventLoop.Run cancels the message task
    }

    /// <summary>The talk's async_repetitive_message with a timer in place of the busy wait.</summary>
    internal static IEnumerable<object?> RepetitiveMessage(TextWriter output, string message, double intervalSeconds)
    {
        while (true)
        {
            output.WriteLine(message);
            yield return Coroutine.Sleep(intervalSeconds); // parks the task: zero CPU until the deadline
        }
    }
}
