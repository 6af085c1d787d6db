using System.Runtime.InteropServices;
using System.Text;
using Coop.Tests.Support;

namespace Coop.Tests.Processes;

/// <summary>EventLoop.Run under real SIGINT and SIGTERM: each test starts the child test program
/// (tests/Coop.Tests.Child) as its own process, waits for it to say it is ready, sends the signals,
/// and checks what it printed and how it ended (docs/io.md, "Ctrl+C and SIGTERM").</summary>
[Collection(ProcessSerial.Name)]
public class InterruptionTests
{
    private const string Canceled = "main canceled: Interrupted by";

    [Fact]
    public void Run_FirstSigint_MainSeesTheCancellationEveryFinallyRunsAndTheProcessEndsBySigint()
    {
        var (lines, child) = RunChild("interrupt", [PosixSignal.SIGINT]);

        Assert.Equal(
            ["ready", $"{Canceled} SIGINT (Ctrl+C): EventLoop.Run cancels the main task; a second one ends the process at once.", "main finally", "worker finally"],
            lines);
        Assert.Equal(PosixSignal.SIGINT, child.Signal);
        Assert.Equal(130, child.ExitCode);
    }

    [Fact]
    public void Run_Sigterm_TheSameGracefulShutdownEndingBySigterm()
    {
        var (lines, child) = RunChild("interrupt", [PosixSignal.SIGTERM]);

        Assert.Equal(["ready", $"{Canceled} SIGTERM: EventLoop.Run cancels the main task; a second one ends the process at once.", "main finally", "worker finally"], lines);
        Assert.Equal(PosixSignal.SIGTERM, child.Signal);
        Assert.Equal(143, child.ExitCode);
    }

    [Fact]
    public void Run_SecondSigintDuringCleanup_EndsTheProcessAtOnce()
    {
        var (lines, child) = RunChild("slow-cleanup", [PosixSignal.SIGINT, PosixSignal.SIGINT], waitFor: ["ready", "cleanup started"]);

        Assert.Equal(["ready", "cleanup started"], lines); // "cleanup done" never came
        Assert.Equal(PosixSignal.SIGINT, child.Signal);
    }

    [Fact]
    public void Run_SigtermThenSigint_TheSecondSignalEndsItWhicheverItIs()
    {
        var (_, child) = RunChild("slow-cleanup", [PosixSignal.SIGTERM, PosixSignal.SIGINT], waitFor: ["ready", "cleanup started"]);

        Assert.Equal(PosixSignal.SIGINT, child.Signal);
    }

    [Fact]
    public void Run_MainCatchesTheInterrupt_RunReturnsAndTheProgramGoesOn()
    {
        var (lines, child) = RunChild("handles", [PosixSignal.SIGINT]);

        Assert.Equal(["ready", "main handled the interrupt", "Run returned 3"], lines);
        Assert.Null(child.Signal);
        Assert.Equal(3, child.ExitCode);
    }

    [Fact]
    public void Run_ProgramCatchesInterruptedException_ItCanReturnTheConventionalExitCode()
    {
        var (lines, child) = RunChild("catches", [PosixSignal.SIGTERM]);

        Assert.Equal("caught InterruptedException SIGTERM 143", lines[^1]);
        Assert.Contains("worker finally", lines);
        Assert.Null(child.Signal);
        Assert.Equal(143, child.ExitCode);
    }

    [Fact]
    public void AddSignalHandler_ForSigint_ReplacesRunsHandling()
    {
        var (lines, child) = RunChild("own-handler", [PosixSignal.SIGINT, PosixSignal.SIGINT], waitFor: ["ready", "SIGINT 1 on the loop thread: True"]);

        Assert.Equal(["ready", "SIGINT 1 on the loop thread: True", "SIGINT 2 on the loop thread: True", "stopping after two"], lines);
        Assert.Equal(0, child.ExitCode);
    }

    /// <summary>Starts the child program in <paramref name="mode"/>; for each signal, waits for the
    /// matching line of <paramref name="waitFor"/> (just "ready" for the first by default), sends it;
    /// then reads to the end and waits for the exit.</summary>
    private static (string[] Lines, ChildProcess Child) RunChild(string mode, PosixSignal[] signals, string[]? waitFor = null)
    {
        waitFor ??= ["ready"];
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var program = Path.Combine(AppContext.BaseDirectory, "Coop.Tests.Child.dll");
        return Bounded.Run(() => EventLoop.Run(Main()), TimeSpan.FromSeconds(90));

        async Coroutine<(string[], ChildProcess)> Main()
        {
            var lines = new List<string>();
            ChildProcess? ran = null;
            await CancelScope.FailAfter(60, async _ =>
            {
                await ChildProcess.Run(dotnet, [program, mode], async child =>
                {
                    ran = child;
                    var reader = new ByteStreamReader(child.Stdout!);
                    for (var i = 0; i < signals.Length; i++)
                    {
                        var expected = waitFor[Math.Min(i, waitFor.Length - 1)];
                        while (lines.Count == 0 || lines[^1] != expected)
                        {
                            var line = await reader.ReadLineAsync();
                            Assert.True(line.Length > 0, $"the child ended before printing '{expected}': {string.Join(" | ", lines)}");
                            lines.Add(Encoding.UTF8.GetString(line).TrimEnd('\n'));
                        }

                        child.SendSignal(signals[i]);
                    }

                    while ((await reader.ReadLineAsync()) is { Length: > 0 } line)
                    {
                        lines.Add(Encoding.UTF8.GetString(line).TrimEnd('\n'));
                    }

                    await child.WaitAsync();
                }, new ProcessOptions { Stdout = ProcessStdio.Pipe });
            });
            return (lines.ToArray(), ran!);
        }
    }
}
