#:project ../src/Coop/Coop.csproj
// 12: child processes and signals on the loop (POSIX). ChildProcess.Run runs a program to its end,
// feeding its input and capturing its output; a non-zero exit is an exception carrying the exit code
// and stderr. Under a deadline, the child is ended (SIGTERM, a grace period, SIGKILL) and reaped
// before the program moves on. A signal handler runs on the loop thread, between steps.
// Run: dotnet run examples/12-processes.cs
using System.Runtime.InteropServices;
using Coop;

EventLoop.Run(Main());

static async Coroutine Main()
{
    // Input in, output captured: no shell, each argument reaches the program as it is.
    var sorted = await ChildProcess.Run("sort", ["-r"], input: "pear\napple\nfig\n"u8.ToArray(), captureStdout: true);
    Console.WriteLine($"sort -r: {sorted.StdoutText.Replace('\n', ' ')}");

    // A failing child raises, with what it wrote to stderr.
    try
    {
        await ChildProcess.Run("sh", ["-c", "echo 'disk full' >&2; exit 4"], captureStderr: true);
    }
    catch (ProcessFailedException e)
    {
        Console.WriteLine($"failed: exit code {e.Result.ExitCode}, stderr: {e.Result.StderrText.Trim()}");
    }

    // A deadline ends a slow child; it never outlives the scope.
    var scope = await CancelScope.MoveOnAfter(0.3, async _ => await ChildProcess.Run("sleep", ["30"]));
    Console.WriteLine($"sleep 30 ended by the deadline: {scope.CanceledCaught}");

    // A signal handler: a child sends this process SIGHUP; the handler runs on the loop thread.
    var loop = EventLoop.Current;
    var hangUp = loop.CreateFuture<bool>();
    loop.AddSignalHandler(PosixSignal.SIGHUP, () => hangUp.TrySetResult(true));
    await ChildProcess.Run("sh", ["-c", $"kill -HUP {Environment.ProcessId}"]);
    Console.WriteLine($"SIGHUP handled on the loop: {await Coroutine.WaitFor(hangUp, 5)}");
    loop.RemoveSignalHandler(PosixSignal.SIGHUP);
}
