using System.Runtime.InteropServices;
using Coop.Tests.Support;

namespace Coop.Tests.Processes;

/// <summary>The end-of-suite check of the process tests: made before the first of them (xunit's
/// collection fixture) and disposed after the last, it fails the run if this process has more
/// children (running or zombie) or more open descriptors than before them. Each test checks its own
/// loop; this catches what escapes every loop: a child nobody reaped, a pipe or pidfd nobody closed.</summary>
public sealed class ProcessSuiteLeakCheck : IDisposable
{
    private readonly ResourceSnapshot? _before;

    public ProcessSuiteLeakCheck()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // What the runtime makes once, on first use, is not a leak: .NET's SIGCHLD and signal
        // handling, the pool threads that copy the fallback's files, the poller's first descriptors.
        WarmUp(ProcessTest.Options(ChildKind.Pidfd), forceDotnet: false);
        WarmUp(ProcessTest.Options(ChildKind.DotnetPortable), forceDotnet: true);
        _before = ResourceSnapshot.Take();
    }

    public void Dispose()
    {
        if (_before == null)
        {
            return;
        }

        // A child killed by the last test may still be on its way out of the kernel's tables.
        for (var i = 0; i < 100 && ResourceSnapshot.CountChildProcesses() > _before.ChildProcesses; i++)
        {
            Thread.Sleep(20);
        }

        _before.AssertNoLeak(heapSlackBytes: long.MaxValue / 2);
    }

    private static void WarmUp(EventLoopOptions options, bool forceDotnet)
    {
        Bounded.Run(() => EventLoop.Run(Main(), options), TimeSpan.FromSeconds(60));

        async Coroutine Main()
        {
            EventLoop.Current.ForceDotnetChildren = forceDotnet;
            EventLoop.Current.AddSignalHandler((PosixSignal)28, () => { }); // SIGWINCH: ignored by default
            await ChildProcess.Run("cat", input: new byte[10], captureStdout: true, captureStderr: true);
            await ChildProcess.Run("true", options: new ProcessOptions { Stdout = ProcessStdio.Null });
            EventLoop.Current.RemoveSignalHandler((PosixSignal)28);
        }
    }
}
