using System.Runtime.InteropServices;
using System.Text;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;
using static Coop.Tests.Processes.ProcessTest;

namespace Coop.Tests.Processes;

/// <summary>ChildProcess.Run, both forms: a child run to its end cannot outlive the call, whatever ends
/// the call (its end, a failure, a cancellation), for every way a loop starts children.</summary>
[Collection(ProcessSerial.Name)]
public abstract class ChildProcessRunTests
{
    protected abstract ChildKind Kind { get; }

    private bool KnowsSignals => Kind == ChildKind.Pidfd;

    [Fact]
    public void Run_CaptureStdout_ReturnsWhatTheChildWrote()
    {
        var result = Run(Kind, async () => await ChildProcess.Run("echo", ["hello", "world"], captureStdout: true));

        Assert.Equal("hello world\n", result.StdoutText);
        Assert.Null(result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Succeeded);
        Assert.Equal("echo hello world", result.Command);
    }

    [Fact]
    public void Run_NonZeroExit_ThrowsWithTheExitCodeAndCapturedStderr()
    {
        var error = Run(Kind, async () => await Failure(ChildProcess.Run("sh", ["-c", "echo partial; echo 'it broke' >&2; exit 3"], captureStdout: true, captureStderr: true)));

        var failed = Assert.IsType<ProcessFailedException>(error);
        Assert.Equal(3, failed.ExitCode);
        Assert.Null(failed.Signal);
        Assert.Equal("it broke\n", Encoding.UTF8.GetString(failed.Stderr!));
        Assert.Equal("partial\n", failed.Result.StdoutText);
        Assert.Contains("exited with code 3", failed.Message, StringComparison.Ordinal);
        Assert.Contains("it broke", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CheckOff_ReturnsTheFailureInstead()
    {
        var result = Run(Kind, async () => await ChildProcess.Run("false", check: false));

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());
    }

    [Fact]
    public void Run_EndedBySignal_FailsAndSaysWhich()
    {
        var error = Run(Kind, async () => await Failure(ChildProcess.Run("sh", ["-c", "kill -KILL $$"])));

        var failed = Assert.IsType<ProcessFailedException>(error);
        Assert.Equal(137, failed.ExitCode);
        if (KnowsSignals)
        {
            Assert.Equal((PosixSignal)9, failed.Signal);
            Assert.Contains("was ended by SIGKILL (exit code 137)", failed.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_Input_IsFedAndClosed()
    {
        var result = Run(Kind, async () => await ChildProcess.Run("sort", input: "b\nc\na\n"u8.ToArray(), captureStdout: true));

        Assert.Equal("a\nb\nc\n", result.StdoutText);
    }

    [Fact]
    public void Run_TenMiBThroughCatWhileStillWritingItsInput_NoDeadlock()
    {
        // cat writes its output while the parent still writes its input: both pipes fill long before
        // the 10 MiB are through, so the feeding and the reading must go on at once.
        var data = Pattern(10 * 1024 * 1024);
        var result = Run(Kind, async () => await ChildProcess.Run("cat", input: data, captureStdout: true), TimeSpan.FromSeconds(60));

        Assert.Equal(data.Length, result.Stdout!.Length);
        Assert.True(data.AsSpan().SequenceEqual(result.Stdout), "the output differs from the input");
    }

    [Fact]
    public void Run_ChildExitsWithoutReadingItsInput_IsNotAnError()
    {
        var result = Run(Kind, async () => await ChildProcess.Run("true", input: new byte[1 << 20]));

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Run_CaptureAndAnOptionForTheSameStream_ThrowsArgumentException()
    {
        var error = Run(Kind, async () => await Failure(ChildProcess.Run("true", captureStdout: true, options: new ProcessOptions { Stdout = ProcessStdio.Null })));

        Assert.IsType<ArgumentException>(error);
    }

    [Fact]
    public void Run_CanceledByADeadline_TerminatesAndReapsTheChildBeforeMovingOn()
    {
        var (caught, pid) = Run(Kind, async () =>
        {
            var pid = 0;
            var scope = await CancelScope.MoveOnAfter(0.3, async _ =>
            {
                await ChildProcess.Run("sh", ["-c", "echo $$; exec sleep 30"], async child =>
                {
                    var line = await new ByteStreamReader(child.Stdout!).ReadLineAsync();
                    pid = int.Parse(Encoding.ASCII.GetString(line).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    await child.WaitAsync();
                }, new ProcessOptions { Stdout = ProcessStdio.Pipe });
            });
            Assert.False(Exists(pid), "the child outlived the scope");
            Assert.Equal(0, EventLoop.Current.ChildCount);
            return (scope.CanceledCaught, pid);
        });

        Assert.True(caught);
        Assert.True(pid > 0);
    }

    [Fact]
    public void Run_ChildIgnoresSigterm_TheEscalationEndsItWithSigkill()
    {
        Run(Kind, async () =>
        {
            ChildProcess? ran = null;
            var started = EventLoop.Current.Time();
            var scope = await CancelScope.MoveOnAfter(0.2, async _ =>
            {
                await ChildProcess.Run("sh", ["-c", "trap '' TERM; echo ready; exec sleep 30"], async child =>
                {
                    ran = child;
                    await new ByteStreamReader(child.Stdout!).ReadLineAsync();
                    await child.WaitAsync();
                }, new ProcessOptions { Stdout = ProcessStdio.Pipe, TerminateGracePeriod = TimeSpan.FromSeconds(0.3) });
            });
            Assert.True(scope.CanceledCaught);
            Assert.True(ran!.HasExited);
            Assert.Equal(137, ran.ExitCode);
            Assert.Equal(KnowsSignals ? (PosixSignal)9 : null, ran.Signal);
            Assert.True(EventLoop.Current.Time() - started >= 0.5, "SIGKILL came before the grace period was over");
            Assert.False(Exists(ran.Id));
        });
    }

    [Fact]
    public void Run_TaskCanceled_TheChildIsEndedBeforeTheTaskEnds()
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var running = loop.CreateTask(ChildProcess.Run("sleep", ["30"]));
            await Coroutine.Sleep(0.1);
            running.Cancel();
            Assert.IsType<CanceledException>(await Failure(running));
            Assert.Equal(0, loop.ChildCount);
        });
    }

    [Fact]
    public void Run_InATaskGroupWhoseSiblingFails_TheChildEndsBeforeTheGroupReturns()
    {
        Run(Kind, async () =>
        {
            var error = await Failure(TaskGroup.Run(async group =>
            {
                group.Start(ChildProcess.Run("sleep", ["30"]));
                group.Start(FailSoon());
                await Coroutine.Yield();
            }));
            var group = Assert.IsType<TaskGroupException>(error);
            Assert.Contains(group.InnerExceptions, e => e.Message == "sibling failed");
            Assert.Equal(0, EventLoop.Current.ChildCount);
        });

        static async Coroutine FailSoon()
        {
            await Coroutine.Sleep(0.1);
            throw new InvalidOperationException("sibling failed");
        }
    }

    [Fact]
    public void RunBlock_StreamsOutputAsItArrives()
    {
        var seen = Run(Kind, async () =>
        {
            var lines = new List<(string Line, bool ChildRunning)>();
            var result = await ChildProcess.Run("sh", ["-c", "echo one; sleep 0.2; echo two"], async child =>
            {
                var reader = new ByteStreamReader(child.Stdout!);
                while ((await reader.ReadLineAsync()) is { Length: > 0 } line)
                {
                    lines.Add((Encoding.UTF8.GetString(line).TrimEnd(), !child.HasExited));
                }
            }, new ProcessOptions { Stdout = ProcessStdio.Pipe });
            Assert.Equal(0, result.ExitCode);
            Assert.Null(result.Stdout);
            return lines;
        });

        Assert.Equal(["one", "two"], seen.Select(l => l.Line));
        Assert.True(seen[0].ChildRunning, "the first line came only after the child exited");
    }

    [Fact]
    public void RunBlock_BodyThrows_TheChildIsEndedAndTheErrorGoesOn()
    {
        Run(Kind, async () =>
        {
            ChildProcess? ran = null;
            var error = await Failure(ChildProcess.Run("sleep", ["30"], async child =>
            {
                ran = child;
                await Coroutine.Yield();
                throw new InvalidOperationException("the body gave up");
            }));
            Assert.Equal("the body gave up", Assert.IsType<InvalidOperationException>(error).Message);
            Assert.Equal(143, ran!.ExitCode);
            Assert.False(Exists(ran.Id));
        });
    }

    [Fact]
    public void RunBlock_BodyReturns_InputClosedAndTheExitAwaited()
    {
        var result = Run(Kind, async () => await ChildProcess.Run("sh", ["-c", "cat >/dev/null; exit 4"], async child =>
        {
            await child.Stdin!.SendAllAsync("ignored"u8.ToArray());
        }, new ProcessOptions { Stdin = ProcessStdio.Pipe }));

        Assert.Equal(4, result.ExitCode);
        Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());
    }

    [Fact]
    public void Run_CanceledWhileFeedingInputTheChildDoesNotRead_ChildEndedAndReaped()
    {
        Run(Kind, async () =>
        {
            var scope = await CancelScope.MoveOnAfter(0.2, async _ => await ChildProcess.Run("sleep", ["30"], input: Pattern(4 << 20)));
            Assert.True(scope.CanceledCaught);
            Assert.Equal(0, EventLoop.Current.ChildCount);
            Assert.Equal(0, EventLoop.Current.OpenSockets);
        });
    }

    [Fact]
    public void Run_CanceledWhileCapturingOutput_ChildEndedAndReaped()
    {
        Run(Kind, async () =>
        {
            var scope = await CancelScope.MoveOnAfter(0.2, async _ =>
                await ChildProcess.Run("sh", ["-c", "while true; do echo tick; sleep 0.01; done"], captureStdout: true, captureStderr: true));
            Assert.True(scope.CanceledCaught);
            Assert.Equal(0, EventLoop.Current.ChildCount);
            Assert.Equal(0, EventLoop.Current.OpenSockets);
        });
    }

    [Fact]
    public void Run_FailsWithInvalidUtf8OnStderr_ResultKeepsTheBytesAndTheMessageIsBuilt()
    {
        var error = Run(Kind, async () => await Failure(ChildProcess.Run("sh", ["-c", "printf '\\377\\376 bad\\n' >&2; exit 2"], captureStderr: true)));

        var failed = Assert.IsType<ProcessFailedException>(error);
        Assert.Equal([0xFF, 0xFE, (byte)' ', (byte)'b', (byte)'a', (byte)'d', (byte)'\n'], failed.Result.Stderr);
        Assert.Equal(2, failed.Result.ExitCode);
        Assert.Contains("bad", failed.Message, StringComparison.Ordinal);
    }

}

public sealed class ChildProcessRunPidfdTests : ChildProcessRunTests
{
    protected override ChildKind Kind => ChildKind.Pidfd;
}

public sealed class ChildProcessRunDotnetPortableTests : ChildProcessRunTests
{
    protected override ChildKind Kind => ChildKind.DotnetPortable;
}

public sealed class ChildProcessRunDotnetEpollTests : ChildProcessRunTests
{
    protected override ChildKind Kind => ChildKind.DotnetEpoll;
}
