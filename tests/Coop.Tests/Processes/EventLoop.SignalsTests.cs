using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Coop.Processes;
using Coop.Tests.Support;

namespace Coop.Tests.Processes;

/// <summary>loop.AddSignalHandler and RemoveSignalHandler, with real signals sent to this process.
/// They use signals whose default action is to do nothing (SIGWINCH, SIGURG), so that a handler
/// removed too early cannot end the test run.</summary>
[Collection(ProcessSerial.Name)]
[UnsupportedOSPlatform("windows")]
public class EventLoopSignalsTests
{
    private const int SigWinch = 28;
    private static readonly PosixSignal SigUrg = (PosixSignal)23;

    [Fact]
    public void AddSignalHandler_SignalArrives_HandlerRunsOnTheLoopThreadBetweenSteps()
    {
        var (thread, loopThread) = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(loopThread, thread);

        static async Coroutine<(int, int)> Main()
        {
            var loop = EventLoop.Current;
            var ran = new CoopEvent();
            var thread = 0;
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () =>
            {
                thread = Environment.CurrentManagedThreadId;
                Assert.Null(CoopTask.Current); // a callback, not inside a task's step
                ran.Set();
            });
            SendToSelf(SigWinch);
            await ran.WaitAsync();
            Assert.True(loop.RemoveSignalHandler(PosixSignal.SIGWINCH));
            return (thread, Environment.CurrentManagedThreadId);
        }
    }

    [Fact]
    public void AddSignalHandler_RawSignalNumber_IsHandled()
    {
        var count = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(1, count);

        static async Coroutine<int> Main()
        {
            var loop = EventLoop.Current;
            var count = 0;
            loop.AddSignalHandler(SigUrg, () => count++);
            SendToSelf(23);
            while (count == 0)
            {
                await Coroutine.Sleep(0.01);
            }

            loop.RemoveSignalHandler(SigUrg);
            return count;
        }
    }

    [Fact]
    public void RemoveSignalHandler_Removed_ReturnsTrueOnceAndTheHandlerNoLongerRuns()
    {
        var calls = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal(0, calls);

        static async Coroutine<int> Main()
        {
            var loop = EventLoop.Current;
            var calls = 0;
            var runs = loop.SignalHandlerCount; // EventLoop.Run's own, for SIGINT and SIGTERM
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () => calls++);
            Assert.True(loop.RemoveSignalHandler(PosixSignal.SIGWINCH));
            Assert.False(loop.RemoveSignalHandler(PosixSignal.SIGWINCH));
            Assert.False(loop.RemoveSignalHandler(PosixSignal.SIGHUP));
            SendToSelf(SigWinch);
            await Coroutine.Sleep(0.1);
            Assert.Equal(runs, loop.SignalHandlerCount);
            return calls;
        }
    }

    [Fact]
    public void AddSignalHandler_SecondForTheSameSignal_ReplacesTheFirst()
    {
        var (first, second) = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal((0, 1), (first, second));

        static async Coroutine<(int, int)> Main()
        {
            var loop = EventLoop.Current;
            var first = 0;
            var second = 0;
            var runs = loop.SignalHandlerCount; // EventLoop.Run's own, for SIGINT and SIGTERM
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () => first++);
            loop.AddSignalHandler((PosixSignal)SigWinch, () => second++); // the same signal by its number
            Assert.Equal(runs + 1, loop.SignalHandlerCount);
            SendToSelf(SigWinch);
            while (second == 0)
            {
                await Coroutine.Sleep(0.01);
            }

            loop.RemoveSignalHandler(PosixSignal.SIGWINCH);
            return (first, second);
        }
    }

    [Fact]
    public void AddSignalHandler_HandlerThrows_ErrorGoesToTheExceptionHandler()
    {
        var errors = new List<LoopError>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            loop.RunUntilComplete(Main());
        });

        var error = Assert.Single(errors);
        Assert.Equal("handler failed", error.Exception!.Message);

        static async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var ran = false;
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () =>
            {
                ran = true;
                throw new InvalidOperationException("handler failed");
            });
            SendToSelf(SigWinch);
            while (!ran)
            {
                await Coroutine.Sleep(0.01);
            }

            await Coroutine.Yield();
            loop.RemoveSignalHandler(PosixSignal.SIGWINCH);
        }
    }

    [Fact]
    public void AddSignalHandler_BeforeTheLoopRuns_HandlesTheSignalOnceItRuns()
    {
        var ran = Bounded.Run(() =>
        {
            using var loop = new EventLoop();
            var ran = false;
            loop.AddSignalHandler(PosixSignal.SIGWINCH, () => ran = true);
            SendToSelf(SigWinch);
            Thread.Sleep(100);
            Assert.False(ran);
            loop.RunUntilComplete(Until(() => ran));
            return ran;
        });

        Assert.True(ran);

        static async Coroutine Until(Func<bool> done)
        {
            for (var i = 0; i < 500 && !done(); i++)
            {
                await Coroutine.Sleep(0.01);
            }
        }
    }

    [Fact]
    public void AddSignalHandler_SigkillOrSigstop_ThrowsArgumentException()
    {
        using var loop = new EventLoop();
        Assert.Throws<ArgumentException>(() => loop.AddSignalHandler((PosixSignal)9, () => { }));
        Assert.Throws<ArgumentException>(() => loop.AddSignalHandler((PosixSignal)19, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.AddSignalHandler((PosixSignal)(-50), () => { }));
        Assert.Throws<ArgumentNullException>(() => loop.AddSignalHandler(PosixSignal.SIGWINCH, null!));
    }

    [Fact]
    public void AddSignalHandler_ClosedLoop_ThrowsInvalidOperationException()
    {
        var loop = new EventLoop();
        loop.Close();
        Assert.Throws<InvalidOperationException>(() => loop.AddSignalHandler(PosixSignal.SIGWINCH, () => { }));
    }

    [Fact]
    public void AddSignalHandler_FromAnotherThreadWhileTheLoopRuns_ThrowsInvalidOperationException()
    {
        var error = Bounded.Run(() => EventLoop.Run(Main()));
        Assert.IsType<InvalidOperationException>(error);

        static async Coroutine<Exception?> Main()
        {
            var loop = EventLoop.Current;
            return await Coroutine.ToThread(() =>
            {
                try
                {
                    loop.AddSignalHandler(PosixSignal.SIGWINCH, () => { });
                    return null;
                }
                catch (InvalidOperationException e)
                {
                    return (Exception?)e;
                }
            });
        }
    }

    [Fact]
    public void Close_LoopWithHandlers_RemovesThem()
    {
        var loop = new EventLoop();
        loop.AddSignalHandler(PosixSignal.SIGWINCH, () => { });
        loop.AddSignalHandler(SigUrg, () => { });
        Assert.Equal(2, loop.SignalHandlerCount);
        loop.Close();
        Assert.Equal(0, loop.SignalHandlerCount);
    }

    private static void SendToSelf(int signal) => Assert.Equal(0, Posix.Kill(Environment.ProcessId, signal));
}
