using Coop.Tests.Support;
using static Coop.Tests.Processes.ProcessTest;

namespace Coop.Tests.Processes;

/// <summary>A thousand children started and ended every way the suite knows: afterwards the process
/// has no more children (running or zombie) and no more file descriptors than before, and the loop
/// answers for none.</summary>
[Collection(ProcessSerial.Name)]
public abstract class ChildProcessLeakTests
{
    protected abstract ChildKind Kind { get; }

    [Fact]
    public void ThousandChildren_StartedAndEndedEveryWay_LeaveNoZombieAndNoDescriptor()
    {
        Cycles(20); // warm-up: JIT, the poller, .NET's Process statics, the thread pool
        var before = ResourceSnapshot.Take();
        Cycles(1000);
        before.AssertNoLeak(heapSlackBytes: 2 * 1024 * 1024);
    }

    private void Cycles(int count)
    {
        Run(Kind, async () =>
        {
            var loop = EventLoop.Current;
            var input = new byte[1000];
            for (var i = 0; i < count; i++)
            {
                switch (i % 5)
                {
                    case 0: // runs to its end
                        await ChildProcess.Run("true");
                        break;
                    case 1: // every stream a pipe, fed and captured
                        var echoed = await ChildProcess.Run("cat", input: input, captureStdout: true, captureStderr: true);
                        Assert.Equal(input.Length, echoed.Stdout!.Length);
                        break;
                    case 2: // killed while its pipes are open, then its pipes closed
                        var child = ChildProcess.Start("sleep", ["30"], new ProcessOptions { Stdin = ProcessStdio.Pipe, Stdout = ProcessStdio.Pipe });
                        child.Kill();
                        await child.WaitAsync();
                        await child.Stdin!.CloseAsync();
                        await child.Stdout!.CloseAsync();
                        break;
                    case 3: // canceled: the escalation ends it
                        await CancelScope.MoveOnAfter(0, async _ => await ChildProcess.Run("sleep", ["30"], captureStdout: true));
                        break;
                    default: // nobody waits: the loop reaps it anyway
                        ChildProcess.Start("true", options: new ProcessOptions { Stdout = ProcessStdio.Null });
                        await Coroutine.Sleep(0.001);
                        break;
                }
            }

            // The children nobody waited for are reaped as they exit; give the last ones a moment.
            for (var wait = 0; wait < 500 && loop.ChildCount > 0; wait++)
            {
                await Coroutine.Sleep(0.01);
            }

            Assert.Equal(0, loop.ChildCount);
            Assert.Equal(0, loop.OpenSockets);
        }, TimeSpan.FromSeconds(300));
    }
}

public sealed class ChildProcessLeakPidfdTests : ChildProcessLeakTests
{
    protected override ChildKind Kind => ChildKind.Pidfd;
}

public sealed class ChildProcessLeakDotnetPortableTests : ChildProcessLeakTests
{
    protected override ChildKind Kind => ChildKind.DotnetPortable;
}
