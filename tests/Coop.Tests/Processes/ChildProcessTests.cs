using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;
using static Coop.Tests.Processes.ProcessTest;

namespace Coop.Tests.Processes;

/// <summary>ChildProcess.Start and what a running child offers (its pipes, waiting, signals), the same
/// for every way a loop starts children: one concrete class per <see cref="ChildKind"/>.</summary>
[Collection(ProcessSerial.Name)]
[UnsupportedOSPlatform("windows")]
public abstract class ChildProcessTests
{
    protected abstract ChildKind Kind { get; }

    /// <summary>True where the loop learns the signal that ended a child (not through .NET's Process).</summary>
    private bool KnowsSignals => Kind == ChildKind.Pidfd;

    [Fact]
    public void Start_ProgramNotOnPath_ThrowsFileNotFoundExceptionNamingIt()
    {
        var error = Run(Kind, async () =>
        {
            await Coroutine.Yield();
            return Assert.Throws<FileNotFoundException>(() => ChildProcess.Start("coop-no-such-program"));
        });

        Assert.Contains("'coop-no-such-program'", error.Message, StringComparison.Ordinal);
        Assert.Contains("PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_PathThatDoesNotExist_ThrowsFileNotFoundException()
    {
        var error = Run(Kind, async () =>
        {
            await Coroutine.Yield();
            return Assert.Throws<FileNotFoundException>(() => ChildProcess.Start("/no/such/program"));
        });

        Assert.Equal("/no/such/program", error.FileName);
    }

    [Fact]
    public void Start_WorkingDirectoryThatDoesNotExist_ThrowsDirectoryNotFoundException()
    {
        var error = Run(Kind, async () =>
        {
            await Coroutine.Yield();
            return Assert.Throws<DirectoryNotFoundException>(() =>
                ChildProcess.Start("true", options: new ProcessOptions { WorkingDirectory = "/no/such/directory" }));
        });

        Assert.Contains("/no/such/directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ScriptWithoutExecutePermission_ThrowsUnauthorizedAccessException()
    {
        var script = Path.Combine(Path.GetTempPath(), $"coop-not-executable-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        try
        {
            Run(Kind, async () =>
            {
                await Coroutine.Yield();
                Assert.Throws<UnauthorizedAccessException>(() => ChildProcess.Start(script));
            });
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void Start_WithNoLoopRunning_ThrowsInvalidOperationException()
    {
        Assert.Throws<InvalidOperationException>(() => ChildProcess.Start("true"));
    }

    [Fact]
    public void Start_ArgumentWithNul_ThrowsArgumentException()
    {
        Run(Kind, async () =>
        {
            await Coroutine.Yield();
            Assert.Throws<ArgumentException>(() => ChildProcess.Start("echo", ["a\0b"]));
        });
    }

    [Fact]
    public void Start_ArgumentsWithSpacesQuotesAndDollars_ReachTheChildUnchanged()
    {
        string[] arguments = ["two words", "'single'", "\"double\"", "$HOME", "*", "", "ünïcødé"];
        var output = Run(Kind, async () =>
        {
            var child = ChildProcess.Start("printf", ["[%s]\\n", .. arguments], new ProcessOptions { Stdout = ProcessStdio.Pipe });
            var text = await ReadToEnd(child.Stdout!);
            await child.WaitAsync();
            return text;
        });

        Assert.Equal(string.Concat(arguments.Select(a => $"[{a}]\n")), output);
    }

    [Fact]
    public void StartShell_PipelineAndVariables_ExpandedByTheShell()
    {
        var (output, code) = Run(Kind, async () =>
        {
            var child = ChildProcess.StartShell(
                "printf '%s\\n' \"$GREETING\" | tr a-z A-Z; exit 3",
                new ProcessOptions { Stdout = ProcessStdio.Pipe, Environment = new Dictionary<string, string?> { ["GREETING"] = "hello" } });
            var text = await ReadToEnd(child.Stdout!);
            return (text, await child.WaitAsync());
        });

        Assert.Equal("HELLO\n", output);
        Assert.Equal(3, code);
    }

    [Fact]
    public void StartShell_BlankCommand_ThrowsArgumentException()
    {
        Run(Kind, async () =>
        {
            await Coroutine.Yield();
            Assert.Throws<ArgumentException>(() => ChildProcess.StartShell(" "));
            return 0;
        });
    }

    [Fact]
    public void Start_EnvironmentChanges_SetAndRemoveVariablesAndKeepTheRest()
    {
        Environment.SetEnvironmentVariable("COOP_TEST_REMOVED", "present");
        try
        {
            var output = Run(Kind, async () =>
            {
                var child = ChildProcess.Start("sh", ["-c", "echo \"[$COOP_TEST_SET][$COOP_TEST_REMOVED][${PATH:+path}]\""], new ProcessOptions
                {
                    Stdout = ProcessStdio.Pipe,
                    Environment = new Dictionary<string, string?> { ["COOP_TEST_SET"] = "set", ["COOP_TEST_REMOVED"] = null },
                });
                var text = await ReadToEnd(child.Stdout!);
                await child.WaitAsync();
                return text;
            });

            Assert.Equal("[set][][path]\n", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("COOP_TEST_REMOVED", null);
        }
    }

    [Fact]
    public void Start_InheritEnvironmentOff_ChildSeesOnlyTheGivenVariables()
    {
        var output = Run(Kind, async () =>
        {
            var child = ChildProcess.Start("/usr/bin/env", options: new ProcessOptions
            {
                Stdout = ProcessStdio.Pipe,
                InheritEnvironment = false,
                Environment = new Dictionary<string, string?> { ["ONLY"] = "this" },
            });
            var text = await ReadToEnd(child.Stdout!);
            await child.WaitAsync();
            return text;
        });

        Assert.Equal("ONLY=this\n", output);
    }

    [Fact]
    public void Start_BadVariableName_ThrowsArgumentException()
    {
        Run(Kind, async () =>
        {
            await Coroutine.Yield();
            Assert.Throws<ArgumentException>(() => ChildProcess.Start("true", options: new ProcessOptions
            {
                Environment = new Dictionary<string, string?> { ["A=B"] = "x" },
            }));
        });
    }

    [Fact]
    public void Start_WorkingDirectory_ChildRunsThereAndFindsRelativePathsFromThere()
    {
        var directory = Directory.CreateTempSubdirectory("coop-cwd-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "hello.sh"), "#!/bin/sh\npwd\n");
            File.SetUnixFileMode(Path.Combine(directory.FullName, "hello.sh"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            var output = Run(Kind, async () =>
            {
                var child = ChildProcess.Start("./hello.sh", options: new ProcessOptions { Stdout = ProcessStdio.Pipe, WorkingDirectory = directory.FullName });
                var text = await ReadToEnd(child.Stdout!);
                await child.WaitAsync();
                return text;
            });

            Assert.Equal(directory.FullName + "\n", output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Start_StdinFromFileStdoutAndStderrToOneFile_FileHoldsBothInOrder()
    {
        var input = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            File.WriteAllText(input, "from the file\n");
            var code = Run(Kind, async () =>
            {
                var child = ChildProcess.Start("sh", ["-c", "read line; echo \"out: $line\"; echo err >&2; echo out again"], new ProcessOptions
                {
                    Stdin = ProcessStdio.File(input),
                    Stdout = ProcessStdio.File(output),
                    Stderr = ProcessStdio.File(output),
                });
                return await child.WaitAsync();
            });

            Assert.Equal(0, code);
            if (Kind == ChildKind.Pidfd)
            {
                Assert.Equal("out: from the file\nerr\nout again\n", File.ReadAllText(output));
            }
            else
            {
                // .NET's Process copies each stream on a thread of its own: the lines interleave freely.
                Assert.Equal(["err", "out again", "out: from the file"], File.ReadAllLines(output).Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact]
    public void Start_StdoutAppendedToFile_KeepsWhatWasThere()
    {
        var output = Path.GetTempFileName();
        try
        {
            File.WriteAllText(output, "before\n");
            Run(Kind, async () =>
            {
                var child = ChildProcess.Start("echo", ["after"], new ProcessOptions { Stdout = ProcessStdio.File(output, append: true) });
                await child.WaitAsync();
            });

            Assert.Equal("before\nafter\n", File.ReadAllText(output));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void Start_StdinFileMissing_ThrowsFileNotFoundExceptionBeforeStarting()
    {
        Run(Kind, async () =>
        {
            await Coroutine.Yield();
            var missing = Path.Combine(Path.GetTempPath(), "coop-no-such-input-" + Guid.NewGuid().ToString("N"));
            var error = Assert.Throws<FileNotFoundException>(() => ChildProcess.Start("cat", options: new ProcessOptions { Stdin = ProcessStdio.File(missing) }));
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
            Assert.Equal(0, EventLoop.Current.ChildCount);
        });
    }

    [Fact]
    public void Start_StdioNull_InputIsEmptyAndOutputIsDiscarded()
    {
        var output = Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sh", ["-c", "cat; echo discarded; echo \"[$(cat)]\" >&2"], new ProcessOptions
            {
                Stdin = ProcessStdio.Null,
                Stdout = ProcessStdio.Null,
                Stderr = ProcessStdio.Pipe,
            });
            var text = await ReadToEnd(child.Stderr!);
            Assert.Equal(0, await child.WaitAsync());
            return text;
        });

        Assert.Equal("[]\n", output);
    }

    [Fact]
    public void ExitCode_WhileRunningThenAfterExit_NullThenTheCode()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sh", ["-c", "read x; exit 7"], new ProcessOptions { Stdin = ProcessStdio.Pipe });
            Assert.False(child.HasExited);
            Assert.Null(child.ExitCode);
            Assert.Null(child.Signal);
            await child.Stdin!.SendEofAsync();
            Assert.Equal(7, await child.WaitAsync());
            Assert.True(child.HasExited);
            Assert.Equal(7, child.ExitCode);
            Assert.Null(child.Signal);
            Assert.True(child.Id > 0);
        });
    }

    [Fact]
    public void Kill_RunningChild_EndsItWithSigkill()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sleep", ["30"]);
            child.Kill();
            Assert.Equal(137, await child.WaitAsync());
            Assert.Equal(KnowsSignals ? (PosixSignal)9 : null, child.Signal);
        });
    }

    [Fact]
    public void Terminate_RunningChild_EndsItWithSigterm()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sleep", ["30"]);
            child.Terminate();
            Assert.Equal(143, await child.WaitAsync());
            Assert.Equal(KnowsSignals ? PosixSignal.SIGTERM : null, child.Signal);
            Assert.Contains(KnowsSignals ? "ended by SIGTERM" : "exited 143", child.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void SendSignal_AfterExit_DoesNothing()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("true");
            await child.WaitAsync();
            child.Kill();
            child.Terminate();
            child.SendSignal(PosixSignal.SIGHUP);
            Assert.Equal(0, child.ExitCode);
            Assert.Null(child.Signal);
        });
    }

    [Fact]
    public void SendSignal_NotASignal_ThrowsArgumentOutOfRange()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("true");
            Assert.Throws<ArgumentOutOfRangeException>(() => child.SendSignal((PosixSignal)(-100)));
            Assert.Throws<ArgumentOutOfRangeException>(() => child.SendSignal((PosixSignal)65));
            await child.WaitAsync();
        });
    }

    [Fact]
    public void WaitAsync_WaiterCanceled_ChildKeepsRunningAndOthersStillWait()
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var child = ChildProcess.Start("sh", ["-c", "read x; exit 5"], new ProcessOptions { Stdin = ProcessStdio.Pipe });
            var first = loop.CreateTask(Wait(child));
            var second = loop.CreateTask(Wait(child));
            await Coroutine.Sleep(0.05);
            first.Cancel();
            await Coroutine.Sleep(0.05);
            Assert.True(first.IsCanceled);
            Assert.False(child.HasExited);
            Assert.False(child.WaitAsync().Cancel());
            await child.Stdin!.SendEofAsync();
            Assert.Equal(5, await second);
        });

        static async Coroutine<int> Wait(ChildProcess child) => await child.WaitAsync();
    }

    [Fact]
    public void TerminateAsync_ChildExitsOnSigterm_ReturnsWithoutWaitingTheGracePeriod()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sleep", ["30"]);
            var started = EventLoop.Current.Time();
            var code = await child.TerminateAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(143, code);
            Assert.True(EventLoop.Current.Time() - started < 10, "TerminateAsync waited for the grace period although the child had exited");
        });
    }

    [Fact]
    public void TerminateAsync_ChildIgnoresSigterm_SendsSigkillAfterTheGracePeriod()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sh", ["-c", "trap '' TERM; echo ready; exec sleep 30"], new ProcessOptions { Stdout = ProcessStdio.Pipe });
            await new ByteStreamReader(child.Stdout!).ReadLineAsync(); // the trap is set
            var started = EventLoop.Current.Time();
            var code = await child.TerminateAsync(TimeSpan.FromSeconds(0.3));
            Assert.Equal(137, code);
            Assert.Equal(KnowsSignals ? (PosixSignal)9 : null, child.Signal);
            Assert.True(EventLoop.Current.Time() - started >= 0.3);
            await child.Stdout!.CloseAsync();
        });
    }

    [Fact]
    public void TerminateAsync_CanceledDuringTheGracePeriod_KillsAndReapsBeforeRaising()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sh", ["-c", "trap '' TERM; echo ready; exec sleep 30"], new ProcessOptions { Stdout = ProcessStdio.Pipe });
            await new ByteStreamReader(child.Stdout!).ReadLineAsync();
            var scope = await CancelScope.MoveOnAfter(0.2, async _ => await child.TerminateAsync(TimeSpan.FromSeconds(30)));
            Assert.True(scope.CanceledCaught);
            Assert.True(child.HasExited);
            Assert.Equal(137, child.ExitCode);
            Assert.False(Exists(child.Id));
            await child.Stdout!.CloseAsync();
        });
    }

    [Fact]
    public void TerminateAsync_NegativeGracePeriod_ThrowsArgumentOutOfRange()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("true");
            Assert.IsType<ArgumentOutOfRangeException>(await Failure(child.TerminateAsync(TimeSpan.FromSeconds(-1))));
            await child.WaitAsync();
        });
    }

    [Fact]
    public void Stdin_SendEof_ChildReadsEndOfFile()
    {
        var output = Run(Kind, async () =>
        {
            var child = ChildProcess.Start("cat", options: new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
            await child.Stdin!.SendAllAsync("one\ntwo\n"u8.ToArray());
            await child.Stdin.SendEofAsync();
            await child.Stdin.SendEofAsync(); // twice does nothing
            var text = await ReadToEnd(child.Stdout!);
            Assert.Equal(0, await child.WaitAsync());
            Assert.IsType<InvalidOperationException>(await Failure(child.Stdin.SendAllAsync(new byte[1])));
            return text;
        });

        Assert.Equal("one\ntwo\n", output);
    }

    [Fact]
    public void Pipes_WrongDirection_ThrowNotSupportedException()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("cat", options: new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
            Assert.IsType<NotSupportedException>(await Failure(child.Stdin!.ReceiveAsync(new byte[1])));
            Assert.IsType<NotSupportedException>(await Failure(child.Stdout!.SendAllAsync(new byte[1])));
            await child.Stdout!.SendEofAsync(); // nothing to half-close: does nothing
            await child.Stdin!.CloseAsync();
            Assert.Equal("", await ReadToEnd(child.Stdout));
            await child.WaitAsync();
        });
    }

    [Fact]
    public void Stdout_SecondReceiveWhileOneWaits_ThrowsInvalidOperationException()
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var child = ChildProcess.Start("cat", options: new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
            var first = loop.CreateTask(child.Stdout!.ReceiveAsync(new byte[16]));
            await Coroutine.Sleep(0.02);
            Assert.IsType<InvalidOperationException>(await Failure(child.Stdout.ReceiveAsync(new byte[16])));
            await child.Stdin!.SendAllAsync("x"u8.ToArray());
            Assert.Equal(1, await first);
            await child.Stdin.CloseAsync();
            await child.WaitAsync();
        });
    }

    [Fact]
    public void Stdout_ReceiveCanceled_LosesNoByte()
    {
        var output = Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var child = ChildProcess.Start("cat", options: new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
            var waiting = loop.CreateTask(child.Stdout!.ReceiveAsync(new byte[16]));
            await Coroutine.Sleep(0.02);
            waiting.Cancel();
            await Coroutine.Sleep(0.01);
            Assert.True(waiting.IsCanceled);
            await child.Stdin!.SendAllAsync("kept"u8.ToArray());
            await child.Stdin.CloseAsync();
            var text = await ReadToEnd(child.Stdout);
            await child.WaitAsync();
            return text;
        });

        Assert.Equal("kept", output);
    }

    [Fact]
    public void Stdin_ChildExitedWithoutReading_SendFailsWithBrokenPipe()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("true", options: new ProcessOptions { Stdin = ProcessStdio.Pipe });
            await child.WaitAsync();
            var error = Assert.IsType<IOException>(await Failure(child.Stdin!.SendAllAsync(new byte[1 << 20])));
            Assert.Equal(SocketError.Shutdown, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
            await child.Stdin!.CloseAsync();
        });
    }

    [Fact]
    public void Stdout_ClosedWhileAReceiveWaits_TheReceiveFailsWithObjectDisposedException()
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var child = ChildProcess.Start("cat", options: new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
            var waiting = loop.CreateTask(child.Stdout!.ReceiveAsync(new byte[16]));
            await Coroutine.Sleep(0.02);
            await child.Stdout.CloseAsync();
            Assert.IsType<ObjectDisposedException>(await Failure(waiting));
            await child.Stdin!.CloseAsync();
            await child.WaitAsync();
        });
    }

    [Fact]
    public void Stdout_AfterEndOfFile_KeepsReturningZero()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("echo", ["x"], new ProcessOptions { Stdout = ProcessStdio.Pipe });
            Assert.Equal("x\n", await ReadToEnd(child.Stdout!));
            Assert.Equal(0, await child.Stdout!.ReceiveAsync(new byte[4]));
            await child.WaitAsync();
            Assert.Equal(0, EventLoop.Current.ChildCount); // exited, pipes closed: the loop let it go
        });
    }

    [Fact]
    public void Loop_ClosesWithAChildStillRunning_KillsReapsAndReportsIt()
    {
        var errors = new List<LoopError>();
        var pid = 0;
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(Options(Kind));
            loop.ForceDotnetChildren = Kind != ChildKind.Pidfd;
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.RunUntilComplete(Leave());
        });

        Assert.Contains(errors, e => e.Message.Contains("was still running when its event loop closed", StringComparison.Ordinal)
            && e.Message.Contains("sleep", StringComparison.Ordinal));
        Assert.False(Exists(pid), "the child survived its loop");

        async Coroutine Leave()
        {
            var child = ChildProcess.Start("sleep", ["30"], new ProcessOptions { Stdout = ProcessStdio.Pipe });
            pid = child.Id;
            await Coroutine.Yield();
        }
    }

    [Fact]
    public void WaitAsync_UnderAVirtualClock_IsNotADeadlock()
    {
        var code = Bounded.Run(() =>
        {
            var clock = new VirtualClock();
            return EventLoop.Run(Main(), new EventLoopOptions { TimeProvider = clock, Poller = Options(Kind).Poller });
        });

        Assert.Equal(3, code);

        async Coroutine<int> Main()
        {
            EventLoop.Current.ForceDotnetChildren = Kind != ChildKind.Pidfd;
            var child = ChildProcess.Start("sh", ["-c", "sleep 0.1; exit 3"]);
            return await child.WaitAsync();
        }
    }

    [Fact]
    public void Stdin_ChildNotReading_SendWaitsForRoomAndTheLoopKeepsRunning()
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var child = ChildProcess.Start("sh", ["-c", "sleep 0.5; exec cat >/dev/null"], new ProcessOptions { Stdin = ProcessStdio.Pipe });
            var data = Pattern(4 << 20); // far more than a pipe holds
            var sending = loop.CreateTask(child.Stdin!.SendAllAsync(data));
            var ticks = 0;
            for (var i = 0; i < 10; i++)
            {
                await Coroutine.Sleep(0.01);
                ticks++; // the loop runs other tasks while the send waits for room
            }

            Assert.False(sending.IsDone, "4 MiB fit into a pipe nobody reads");
            Assert.Equal(10, ticks);
            await sending; // the child reads at last
            await child.Stdin.CloseAsync();
            Assert.Equal(0, await child.WaitAsync());
        });
    }

    [Fact]
    public void Stdin_SendCanceledWhileTheChildDoesNotRead_ChildIsLeftRunningAndCanBeEnded()
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var child = ChildProcess.Start("sleep", ["30"], new ProcessOptions { Stdin = ProcessStdio.Pipe });
            var sending = loop.CreateTask(child.Stdin!.SendAllAsync(Pattern(4 << 20)));
            await Coroutine.Sleep(0.05);
            sending.Cancel();
            Assert.IsType<CanceledException>(await Failure(sending));
            Assert.False(child.HasExited);
            await child.Stdin.CloseAsync();
            Assert.Equal(143, await child.TerminateAsync(TimeSpan.FromSeconds(5)));
        });
    }

    [Fact]
    public void Stdout_ChildClosesItEarlyAndGoesOn_EndOfFileBeforeTheExit()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sh", ["-c", "echo early; exec 1>&-; read x; exit 5"], new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
            Assert.Equal("early\n", await ReadToEnd(child.Stdout!));
            Assert.False(child.HasExited);
            await child.Stdin!.CloseAsync();
            Assert.Equal(5, await child.WaitAsync());
        });
    }

    [Fact]
    public void Stdout_BinaryGarbage_ArrivesByteForByte()
    {
        var data = Pattern(300_000, seed: 7); // every byte value, no line structure, invalid UTF-8
        var received = Run(Kind, async () =>
        {
            var result = await ChildProcess.Run("cat", input: data, captureStdout: true);
            return result.Stdout!;
        });

        Assert.Equal(data, received);
    }

    [Fact]
    public void Stderr_PipedApartFromStdout_EachGetsItsOwnBytes()
    {
        var (output, error, code) = Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sh", ["-c", "echo out; echo err >&2; exit 9"], new ProcessOptions { Stdout = ProcessStdio.Pipe, Stderr = ProcessStdio.Pipe });
            var both = await Coroutine.Gather(ReadToEnd(child.Stdout!), ReadToEnd(child.Stderr!));
            return (both[0], both[1], await child.WaitAsync());
        });

        Assert.Equal(("out\n", "err\n", 9), (output, error, code));
    }

    [Fact]
    public void Start_FiftyChildrenAtOnce_EachExitCodeAndOutputReachesItsOwner()
    {
        var results = Run(Kind, async () =>
        {
            var children = Enumerable.Range(0, 50)
                .Select(i => ChildProcess.Start("sh", ["-c", "sleep 0.05; echo $0; exit $(($0 % 7))", i.ToString(System.Globalization.CultureInfo.InvariantCulture)], new ProcessOptions { Stdout = ProcessStdio.Pipe }))
                .ToList();
            var outputs = await Coroutine.Gather(children.Select(c => ReadToEnd(c.Stdout!)).ToArray());
            var codes = new List<int>();
            foreach (var child in children)
            {
                codes.Add(await child.WaitAsync());
            }

            Assert.Equal(0, EventLoop.Current.ChildCount);
            return outputs.Zip(codes).ToList();
        }, TimeSpan.FromSeconds(120));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(($"{i}\n", i % 7), results[i]);
        }
    }

    [Fact]
    public void Child_UsedFromAnotherThread_ThrowsInvalidOperationException()
    {
        Run(Kind, async () =>
        {
            var child = ChildProcess.Start("sleep", ["30"], new ProcessOptions { Stdout = ProcessStdio.Pipe });
            var errors = await Coroutine.FromTask(Task.Run(() => new Exception?[]
            {
                Record.Exception(() => child.Kill()),
                Record.Exception(() => child.Terminate()),
                Record.Exception(() => child.Stdout!.Abort()),
            }));
            Assert.All(errors, e => Assert.IsType<InvalidOperationException>(e));
            Assert.False(child.HasExited);
            child.Kill();
            Assert.Equal(137, await child.WaitAsync());
            await child.Stdout!.CloseAsync();
        });
    }

}

public sealed class ChildProcessPidfdTests : ChildProcessTests
{
    protected override ChildKind Kind => ChildKind.Pidfd;

    [Fact]
    public void Start_ChildOfPidfdLoop_GetsSigpipesDefaultActionBack()
    {
        // .NET ignores SIGPIPE and exec keeps ignored signals: a child of .NET's Process writing to a
        // closed pipe gets EPIPE and complains; a child of posix_spawn dies quietly, as under a shell.
        var result = Run(Kind, async () => await ChildProcess.Run("sh", ["-c", "yes | head -c 1 >/dev/null; grep SigIgn /proc/self/status"], captureStdout: true, captureStderr: true));
        Assert.Equal("", result.StderrText);
        var ignored = Convert.ToUInt64(result.StdoutText.Split('\t')[1].Trim(), 16);
        Assert.Equal(0UL, ignored & (1UL << 12)); // bit 12 is signal 13, SIGPIPE
    }

    [Fact]
    public void Start_EpollLoop_UsesPidfds()
    {
        Run(Kind, async () =>
        {
            await Coroutine.Yield();
            Assert.True(EventLoop.Current.UsesPidfdChildren);
        });
    }
}

public sealed class ChildProcessDotnetPortableTests : ChildProcessTests
{
    protected override ChildKind Kind => ChildKind.DotnetPortable;
}

public sealed class ChildProcessDotnetEpollTests : ChildProcessTests
{
    protected override ChildKind Kind => ChildKind.DotnetEpoll;
}
