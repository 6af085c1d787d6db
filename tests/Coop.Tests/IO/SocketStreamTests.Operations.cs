using System.Net.Sockets;
using Coop.Diagnostics;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>How ReceiveAsync and SendAllAsync run when awaited: a call that succeeds at once ends
/// inside the await, a call that must wait becomes a frame of the awaiting task, and either way the
/// operation works as a task of its own, from ordinary async code, and in a task dump.</summary>
public abstract partial class SocketStreamTests
{
    [Fact]
    public void ReceiveAsync_BytesAlreadyThere_CompleteAtTheAwaitWithTheBytes()
    {
        var (completedAtAwait, count, text) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.SendAllAsync("hello"u8.ToArray());
            await Readable(server);
            var buffer = new byte[16];
            var awaiter = server.ReceiveAsync(buffer).GetAwaiter();
            var completed = awaiter.IsCompleted;
            var n = awaiter.GetResult();
            client.Abort();
            server.Abort();
            return (completed, n, System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        });
        Assert.True(completedAtAwait, "a receive whose bytes are there ends inside the await");
        Assert.Equal(5, count);
        Assert.Equal("hello", text);
    }

    [Fact]
    public void SendAllAsync_KernelTakesItWhole_CompletesAtTheAwait()
    {
        var (completedAtAwait, echoed) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var awaiter = client.SendAllAsync("ping"u8.ToArray()).GetAwaiter();
            var completed = awaiter.IsCompleted;
            awaiter.GetResult();
            var got = await ReceiveExactly(server, 4);
            client.Abort();
            server.Abort();
            return (completed, System.Text.Encoding.ASCII.GetString(got));
        });
        Assert.True(completedAtAwait, "a send the kernel takes whole ends inside the await");
        Assert.Equal("ping", echoed);
    }

    [Fact]
    public void ReceiveAndSendAll_MadeTasks_RunAndReportOnTheirTasks()
    {
        var (received, receiveDone, sendDone, got) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var buffer = new byte[8];
            var receive = server.ReceiveAsync(buffer);
            var receiving = loop.CreateTask(receive);
            await Coroutine.Sleep(0.01);
            Assert.False(receive.IsCompleted);
            var send = client.SendAllAsync("abc"u8.ToArray());
            await loop.CreateTask(send);
            var n = await receiving;
            client.Abort();
            server.Abort();
            return (n, receive.IsCompleted, send.IsCompleted, System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        });
        Assert.Equal(3, received);
        Assert.True(receiveDone);
        Assert.True(sendDone);
        Assert.Equal("abc", got);
    }

    [Fact]
    public void ReceiveAsync_FromOrdinaryAsyncCodeInsideATask_ReceivesWhatIsThereAndRefusesToWaitCleanly()
    {
        var (first, refusal, afterwards) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.SendAllAsync("one"u8.ToArray());
            await Readable(server);
            var firstCount = await OrdinaryReceive(server, new byte[8]); // the bytes are there: no wait
            Exception? error = null;
            try
            {
                await OrdinaryReceive(server, new byte[8]); // nothing there: ordinary code cannot wait in Coop
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }

            await client.SendAllAsync("two"u8.ToArray());
            var bytes = await ReceiveExactly(server, 3); // the refused receive left no wait behind
            client.Abort();
            server.Abort();
            return (firstCount, error, System.Text.Encoding.ASCII.GetString(bytes));
        });
        Assert.Equal(3, first);
        Assert.NotNull(refusal);
        Assert.Contains("ordinary async code", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("two", afterwards);
    }

    [Fact]
    public void AcceptAsync_FromOrdinaryAsyncCodeWithNothingPending_RefusedAndTheListenerStillAccepts()
    {
        var (refusal, accepted) = Run(Poller, async () =>
        {
            var listener = SocketListener.Listen(AnyLoopbackPort);
            Exception? error = null;
            try
            {
                await OrdinaryAccept(listener); // nobody connects: ordinary code cannot wait in Coop
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }

            var loop = EventLoop.Current;
            var accepting = loop.CreateTask(listener.AcceptAsync()); // the refused accept left no wait behind
            var client = await SocketStream.ConnectAsync(listener.LocalEndPoint);
            var server = await accepting;
            client.Abort();
            server.Abort();
            listener.Close();
            return (error, server != null);
        });
        Assert.NotNull(refusal);
        Assert.Contains("ordinary async code", refusal.Message, StringComparison.Ordinal);
        Assert.True(accepted);
    }

    [Fact]
    public void ReceiveAsync_ATaskWaitingInIt_ShowsTheReceiveInItsAwaitChain()
    {
        var chain = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reader = loop.CreateTask(ReceiveOnce(server), "reader");
            await Coroutine.Sleep(0.01);
            var snapshot = TaskDump.Capture(loop).Tasks.Single(t => t.Name == "reader");
            await client.SendAllAsync("x"u8.ToArray());
            await reader;
            client.Abort();
            server.Abort();
            return snapshot.AwaitChain.Select(frame => frame.Method).ToList();
        });
        Assert.Equal(2, chain.Count);
        Assert.Contains("ReceiveOnce", chain[0], StringComparison.Ordinal);
        Assert.StartsWith("ReceiveAsync on socket", chain[1], StringComparison.Ordinal);
    }

    [Fact]
    public void SendAllAsync_NeverAwaited_DebugModeReportsTheLineThatMadeIt()
    {
        var logger = new ListLogger();
        var line = 0;
        Bounded.Run(() =>
        {
            EventLoop.Run(DropsASend(value => line = value), new EventLoopOptions { Poller = Poller, Debug = true, Logger = logger });
            for (var i = 0; i < 3 && !NeverRun(logger).Any(); i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });

        var warning = Assert.Single(NeverRun(logger));
        Assert.Contains($"made in SocketStreamTests.DropsASend at SocketStreamTests.Operations.cs:{line}", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveAndSendAll_FromAnotherLoopWithBytesAndRoomThere_FailClearlyAndTakeNothing()
    {
        SocketStream? stream = null;
        SocketStream? peer = null;
        using var first = new EventLoop(new EventLoopOptions { Poller = Poller });
        Bounded.Run(() =>
        {
            (stream, peer) = first.RunUntilComplete(ConnectedPair());
            first.RunUntilComplete(peer!.SendAllAsync("mine"u8.ToArray()));
            var (receive, send) = Bounded.Run(() => EventLoop.Run(Attempts(stream!), new EventLoopOptions { Poller = Poller }));
            Assert.IsType<InvalidOperationException>(receive);
            Assert.IsType<InvalidOperationException>(send);
            var (kept, nothingSent) = first.RunUntilComplete(Check(stream!, peer!));
            Assert.Equal("mine", kept);
            Assert.True(nothingSent, "the other loop's send must not reach the peer");
        });

        static async Coroutine<(Exception? Receive, Exception? Send)> Attempts(SocketStream stream)
        {
            await Coroutine.Yield();
            return (await Failure(stream.ReceiveAsync(new byte[8])), await Failure(stream.SendAllAsync("theirs"u8.ToArray())));
        }

        static async Coroutine<(string Kept, bool NothingSent)> Check(SocketStream stream, SocketStream peer)
        {
            var kept = System.Text.Encoding.ASCII.GetString(await ReceiveExactly(stream, 4));
            var nothingSent = !peer.TryReceive(new byte[8], out _);
            await stream.CloseAsync();
            await peer.CloseAsync();
            return (kept, nothingSent);
        }
    }

    [Fact]
    public void ReceiveAndSendAll_MadeTasksTwiceOrAwaitedAfter_Refused()
    {
        var errors = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var receive = server.ReceiveAsync(new byte[8]);
            var send = client.SendAllAsync("x"u8.ToArray());
            var receiving = loop.CreateTask(receive);
            await loop.CreateTask(send);
            var found = new List<Exception?>
            {
                Record(() => loop.CreateTask(receive)),
                Record(() => loop.CreateTask(send)),
                Record(() => receive.GetAwaiter()),
                Record(() => send.GetAwaiter()),
            };
            Assert.Equal(1, await receiving);
            client.Abort();
            server.Abort();
            return found;
        });
        Assert.All(errors, error => Assert.IsType<InvalidOperationException>(error));

        static Exception? Record(Action action)
        {
            try
            {
                action();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }

    [Fact]
    public void SendAllAsync_CanceledAfterItsWaitingFrameSentPart_ShowsInTheChainAndTheStreamRefusesFurtherSends()
    {
        var (chain, refused) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var chunk = new byte[64 * 1024];
            while (client.TrySend(chunk, out _))
            {
                // fill the socket's buffers: the send below finds no room at its await
            }

            var sending = loop.CreateTask(SendOnce(client, new byte[64 * 1024 * 1024]), "sender");
            await Coroutine.Sleep(0.01);
            var frames = TaskDump.Capture(loop).Tasks.Single(t => t.Name == "sender").AwaitChain.Select(f => f.Method).ToList();
            await ReceiveExactly(server, 4 * 1024 * 1024); // room: the waiting send takes part of its data
            await Coroutine.Sleep(0.01);
            sending.Cancel();
            Assert.IsType<CanceledException>(await Failure(sending));
            var error = await Failure(client.SendAllAsync(new byte[1]));
            client.Abort();
            server.Abort();
            return (frames, error);
        });
        Assert.StartsWith("SendAllAsync on socket", chain[^1], StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains("refuses further sends", refused.Message, StringComparison.Ordinal);
    }

    private static async Coroutine SendOnce(SocketStream stream, byte[] data) => await stream.SendAllAsync(data);

    private static IEnumerable<string> NeverRun(ListLogger logger) =>
        logger.Entries.Select(e => e.Message).Where(m => m.Contains("never run", StringComparison.Ordinal));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Coroutine DropsASend(Action<int> line)
    {
        var (client, server) = await ConnectedPair();
        line(Line()); _ = client.SendAllAsync("lost"u8.ToArray());
        client.Abort();
        server.Abort();
    }

    private static int Line([System.Runtime.CompilerServices.CallerLineNumber] int line = 0) => line;

    private static async Coroutine ReceiveOnce(SocketStream stream) => await stream.ReceiveAsync(new byte[8]);

    private static async Task<SocketStream> OrdinaryAccept(SocketListener listener) => await listener.AcceptAsync();

    private static async Task<int> OrdinaryReceive(SocketStream stream, byte[] buffer) => await stream.ReceiveAsync(buffer);

    /// <summary>Waits until the stream has bytes to receive (a zero-byte receive takes none).</summary>
    private static async Coroutine Readable(SocketStream stream) => await stream.ReceiveAsync(Memory<byte>.Empty);
}
