// `coop demo processes`: child processes on the loop. Three children run at once in a task group;
// their output is streamed line by line as it arrives, so the lines interleave. A fourth, slow child
// runs under a deadline: when it passes, the cancellation ends the child (SIGTERM, then SIGKILL after
// the grace period) and reaps it before the program goes on. docs/io.md, "Processes and signals".
using System.Diagnostics;
using System.Text;

namespace Coop.Cli.Demos;

/// <summary>Several children at once, their output streamed, and a slow one killed by a deadline.</summary>
internal sealed class ProcessesDemo : Demo
{
    private static readonly ProcessOptions Piped = new() { Stdout = ProcessStdio.Pipe };

    public override string Name => "processes";

    public override string Summary => "child processes at once, output streamed as it arrives, a slow one killed by a deadline (docs/io.md)";

    public override int Order => 210;

    public override int Run(DemoContext context)
    {
        if (OperatingSystem.IsWindows())
        {
            context.Out.WriteLine("This demo runs POSIX shell children (sh, sleep): not on Windows.");
            return 0;
        }

        EventLoop.Run(Show(context.Out));
        return 0;
    }

    private static async Coroutine Show(TextWriter output)
    {
        var start = Stopwatch.GetTimestamp();
        output.WriteLine("> three children at once, each printing a line every 0.1-0.2 s:");
        await TaskGroup.Run(async group =>
        {
            group.Start(Stream(output, start, "ant", 0.1, 4));
            group.Start(Stream(output, start, "bee", 0.15, 3));
            group.Start(Stream(output, start, "cat", 0.2, 2));
        });

        output.WriteLine("> a slow child (it would sleep 30 s) under a 0.5 s deadline:");
        ProcessResult? slow = null;
        var scope = await CancelScope.MoveOnAfter(0.5, async _ =>
        {
            slow = await ChildProcess.Run("sh", ["-c", "echo slow: started; exec sleep 30"], child => Lines(output, start, child), Piped);
        });
        output.WriteLine($"  [{Elapsed(start)}] deadline passed: {scope.CanceledCaught}; the child was ended and reaped (run returned: {slow != null})");

        output.WriteLine("> ChildProcess.Run with check on, for a child that fails:");
        try
        {
            await ChildProcess.Run("sh", ["-c", "echo 'no such file: data.csv' >&2; exit 3"], captureStderr: true);
        }
        catch (ProcessFailedException e)
        {
            output.WriteLine($"  ProcessFailedException: exit code {e.Result.ExitCode}, stderr \"{e.Result.StderrText.Trim()}\"");
        }
    }

    private static async Coroutine Stream(TextWriter output, long start, string name, double interval, int lines)
    {
        var script = $"for i in $(seq {lines}); do echo \"{name}: line $i\"; sleep {interval.ToString(System.Globalization.CultureInfo.InvariantCulture)}; done";
        var result = await ChildProcess.Run("sh", ["-c", script], child => Lines(output, start, child), Piped);
        output.WriteLine($"  [{Elapsed(start)}] {name}: exited with code {result.ExitCode}");
    }

    /// <summary>Prints the child's output a line at a time, as each line arrives.</summary>
    private static async Coroutine Lines(TextWriter output, long start, ChildProcess child)
    {
        var reader = new ByteStreamReader(child.Stdout!);
        while (await reader.ReadLineAsync() is { Length: > 0 } line)
        {
            output.WriteLine($"  [{Elapsed(start)}] {Encoding.UTF8.GetString(line).TrimEnd('\n')}");
        }
    }

    private static string Elapsed(long start) => $"{Stopwatch.GetElapsedTime(start).TotalSeconds:F2}s";
}
