using System.Net;
using System.Net.Sockets;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>The stream contract every poller must keep (STYLE 14: one suite, one class per backend).</summary>
[Collection(IoSerial.Name)]
public abstract partial class SocketStreamTests
{
    protected abstract PollerKind Poller { get; }

    [Fact]
    public void SendAllAsync_LargeMessage_PeerReceivesEveryByteInOrder()
    {
        var data = Pattern(3 * 1024 * 1024);
        var got = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var receiving = loop.CreateTask(ReceiveExactly(server, data.Length));
            await client.SendAllAsync(data);
            var received = await receiving;
            await client.CloseAsync();
            await server.CloseAsync();
            return received;
        });
        Assert.Equal(data, got);
    }

    [Fact]
    public void ReceiveAsync_PeerSentEof_ReturnsZeroAndPeerCanStillReceive()
    {
        var (eof, reply) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.SendAllAsync("ping"u8.ToArray());
            await client.SendEofAsync();
            var request = await ReceiveToEnd(server); // ends at the half-close
            await server.SendAllAsync(request);
            await server.CloseAsync();
            var back = await ReceiveToEnd(client);
            await client.CloseAsync();
            return (request.Length, System.Text.Encoding.ASCII.GetString(back));
        });
        Assert.Equal(4, eof);
        Assert.Equal("ping", reply);
    }

    [Fact]
    public void ReceiveAsync_PeerClosesWhileWeWait_ReturnsZero()
    {
        var n = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reading = loop.CreateTask(server.ReceiveAsync(new byte[16]));
            await Coroutine.Sleep(0.01);
            Assert.False(reading.IsDone);
            await client.CloseAsync();
            var result = await reading;
            await server.CloseAsync();
            return result;
        });
        Assert.Equal(0, n);
    }

    [Fact]
    public void SendAllAsync_PeerResetsMidSend_FailsWithResetInsteadOfHanging()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var sending = loop.CreateTask(client.SendAllAsync(new byte[64 * 1024 * 1024]));
            await Coroutine.Sleep(0.05); // the kernel's buffers fill: the send waits for room
            Assert.False(sending.IsDone);
            server.Abort();
            var failure = await Failure(sending);
            await client.CloseAsync();
            return failure;
        });
        var reset = Assert.IsType<SocketException>(Assert.IsType<IOException>(error).InnerException);
        Assert.Contains(reset.SocketErrorCode, new[] { SocketError.ConnectionReset, SocketError.Shutdown, SocketError.ConnectionAborted });
    }

    [Fact]
    public void SendAllAsync_ReaderStopsReading_SenderWaitsWithBoundedMemory()
    {
        var (sent, waiting, heapGrowth) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var chunk = new byte[256 * 1024];
            var total = 0L;
            var before = GC.GetTotalMemory(forceFullCollection: true);
            async Coroutine Flood()
            {
                while (true)
                {
                    await client.SendAllAsync(chunk);
                    total += chunk.Length;
                }
            }

            var flood = loop.CreateTask(Flood());
            await Coroutine.Sleep(0.2);
            var stillWaiting = !flood.IsDone;
            var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
            flood.Cancel();
            await Coroutine.Wait([flood]);
            client.Abort();
            server.Abort();
            return (total, stillWaiting, growth);
        });
        Assert.True(waiting);
        Assert.True(sent < 64L * 1024 * 1024, $"the sender got {sent} bytes into a peer that reads nothing: something buffers them");
        Assert.True(heapGrowth < 4 * 1024 * 1024, $"the managed heap grew by {heapGrowth} bytes while the sender waited");
    }

    [Fact]
    public void SendAllAsync_CanceledPartWay_StreamRefusesFurtherSends()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var sending = loop.CreateTask(client.SendAllAsync(new byte[64 * 1024 * 1024]));
            await Coroutine.Sleep(0.05);
            sending.Cancel();
            Assert.IsType<CanceledException>(await Failure(sending));
            var refused = await Failure(client.SendAllAsync(new byte[1]));
            client.Abort();
            server.Abort();
            return refused;
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("refuses further sends", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveAsync_SecondReceiverWhileOneWaits_FailsClearly()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var first = loop.CreateTask(server.ReceiveAsync(new byte[4]));
            var second = loop.CreateTask(server.ReceiveAsync(new byte[4]));
            var failure = await Failure(second);
            await client.SendAllAsync("x"u8.ToArray());
            Assert.Equal(1, await first);
            client.Abort();
            server.Abort();
            return failure;
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("already waiting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveAsync_StreamClosedWhileWaiting_FailsWithObjectDisposed()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reading = loop.CreateTask(server.ReceiveAsync(new byte[4]));
            await Coroutine.Sleep(0.01);
            await server.CloseAsync();
            var failure = await Failure(reading);
            await client.CloseAsync();
            return failure;
        });
        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public void Operations_OnClosedStream_ThrowObjectDisposed()
    {
        Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.CloseAsync();
            await client.CloseAsync(); // closing twice does nothing
            client.Abort();
            Assert.IsType<ObjectDisposedException>(await Failure(client.ReceiveAsync(new byte[1])));
            Assert.IsType<ObjectDisposedException>(await Failure(client.SendAllAsync(new byte[1])));
            Assert.True(client.IsClosed);
            await server.CloseAsync();
        });
    }

    [Fact]
    public void Operations_SocketDisposedBehindTheStream_ThrowObjectDisposed()
    {
        // User code disposed stream.Socket instead of closing the stream: its descriptor is gone
        // (and may be reused), so receives and sends refuse rather than touch it.
        var (receive, send) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            server.Socket.Dispose();
            var receiveError = await Failure(server.ReceiveAsync(new byte[4]));
            var sendError = await Failure(server.SendAllAsync(new byte[4]));
            await server.CloseAsync();
            await client.CloseAsync();
            return (receiveError, sendError);
        });
        Assert.IsType<ObjectDisposedException>(receive);
        Assert.IsType<ObjectDisposedException>(send);
    }

    [Fact]
    public void Abort_FromAnotherThread_FailsClearly()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var failure = await Coroutine.ToThread(() => Record.Exception(server.Abort));
            client.Abort();
            server.Abort();
            return failure;
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("another event loop", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveAsync_FromAnotherLoop_FailsClearly()
    {
        SocketStream? stream = null;
        SocketStream? peer = null;
        using var first = new EventLoop(new EventLoopOptions { Poller = Poller });
        Bounded.Run(() =>
        {
            (stream, peer) = first.RunUntilComplete(ConnectedPair());
            var error = Bounded.Run(() => EventLoop.Run(Attempt(stream!), new EventLoopOptions { Poller = Poller }));
            Assert.IsType<InvalidOperationException>(error);
            first.RunUntilComplete(Close(stream!, peer!));
        });

        static async Coroutine<Exception?> Attempt(SocketStream stream)
        {
            await Coroutine.Yield();
            return await Failure(stream.ReceiveAsync(new byte[1]));
        }

        static async Coroutine Close(SocketStream a, SocketStream b)
        {
            await a.CloseAsync();
            await b.CloseAsync();
        }
    }

    [Fact]
    public void ConnectAsync_ClosedPort_IsRefused()
    {
        var error = Run(Poller, async () =>
        {
            // A port that was just free: bind, note it, close.
            var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(AnyLoopbackPort);
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            probe.Dispose();
            var before = EventLoop.Current.OpenSockets;
            var failure = await Failure(EventLoop.Current.CreateTask(SocketStream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port))));
            Assert.Equal(before, EventLoop.Current.OpenSockets); // the failed socket was closed
            return failure;
        });
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(error).SocketErrorCode);
    }

    [Fact]
    public void ConnectAsync_PeerNeverAnswers_EndsByScopeAndLeaksNoSocket()
    {
        var (caught, leaked) = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            // A listener that never accepts, its backlog full: the kernel drops further SYNs, so a
            // connect to it waits, as one to an address that never answers does.
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(AnyLoopbackPort);
            listener.Listen(0);
            var fillers = new List<Socket>();
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                try
                {
                    filler.Connect(listener.LocalEndPoint!);
                }
                catch (SocketException)
                {
                    // in progress: it holds a backlog entry or a dropped SYN either way
                }

                fillers.Add(filler);
            }

            var before = loop.OpenSockets;
            var scope = await CancelScope.MoveOnAfter(0.3, async _ => await SocketStream.ConnectAsync(listener.LocalEndPoint!));
            foreach (var filler in fillers)
            {
                filler.Dispose();
            }

            return (scope.CanceledCaught, loop.OpenSockets - before);
        });
        Assert.True(caught, "the connect should still have been waiting when the scope ended");
        Assert.Equal(0, leaked);
    }

    [Fact]
    public void Abort_PeerSeesReset()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await server.SendAllAsync("unread"u8.ToArray());
            await Coroutine.Sleep(0.01);
            client.Abort(); // unread data + linger 0: a reset
            var failure = await Failure(EventLoop.Current.CreateTask(ReceiveToEnd(server)));
            await server.CloseAsync();
            return failure;
        });
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(Assert.IsType<IOException>(error).InnerException).SocketErrorCode);
    }

    [Fact]
    public void SendAllAsync_AfterSendEof_ThrowsAndSecondSendEofDoesNothing()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.SendEofAsync();
            await client.SendEofAsync();
            var refused = await Failure(client.SendAllAsync(new byte[1]));
            client.Abort();
            server.Abort();
            return refused;
        });
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void SendAllAsync_CanceledBeforeAnyByteWasTaken_StreamStaysUsable()
    {
        var got = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var filler = loop.CreateTask(client.SendAllAsync(new byte[64 * 1024 * 1024]));
            await Coroutine.Sleep(0.05);
            filler.Cancel(); // took part: this one breaks the stream; use the other direction
            await Failure(filler);
            var chunk = new byte[64 * 1024];
            while (server.Socket.Send(chunk, 0, chunk.Length, SocketFlags.None, out var e) > 0 && e == SocketError.Success)
            {
            }

            var waiting = loop.CreateTask(server.SendAllAsync("late"u8.ToArray())); // no room: takes nothing
            await Coroutine.Yield();
            waiting.Cancel();
            await Failure(waiting); // canceled while it waited for room (or done, if room came first)
            var retrying = loop.CreateTask(server.SendAllAsync(new byte[1])); // accepted: it waits for room
            await Coroutine.Sleep(0.01);
            retrying.Cancel();
            var retried = await Failure(retrying);
            client.Abort();
            server.Abort();
            return retried;
        });
        Assert.IsNotType<InvalidOperationException>(got); // canceled while waiting (or sent, if room came), not refused
    }

    [Fact]
    public void ReceiveAsync_EmptyBuffer_WaitsForBytesAndConsumesNone()
    {
        var (probeWaited, probe, all) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var probing = loop.CreateTask(server.ReceiveAsync(Memory<byte>.Empty));
            await Coroutine.Sleep(0.01);
            var waited = !probing.IsDone;
            await client.SendAllAsync("abc"u8.ToArray());
            await client.SendEofAsync();
            var zero = await probing;
            var bytes = await ReceiveToEnd(server);
            await client.CloseAsync();
            await server.CloseAsync();
            return (waited, zero, bytes);
        });
        Assert.True(probeWaited);
        Assert.Equal(0, probe);
        Assert.Equal("abc"u8.ToArray(), all);
    }

    [Fact]
    public void ReceiveAsync_ByATaskAlreadyCanceled_RaisesAtOnceAndConsumesNothing()
    {
        var got = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            await client.SendAllAsync("kept"u8.ToArray());
            await client.SendEofAsync();
            await Coroutine.Sleep(0.01); // the bytes are there: a receive would not wait
            var doomed = loop.CreateTask(SelfCancelingReceive(server));
            Assert.IsType<CanceledException>(await Failure(doomed));
            var bytes = await ReceiveToEnd(server);
            await client.CloseAsync();
            await server.CloseAsync();
            return bytes;
        });
        Assert.Equal("kept"u8.ToArray(), got);

        static async Coroutine SelfCancelingReceive(SocketStream stream)
        {
            CoopTask.Current!.Cancel();
            await stream.ReceiveAsync(new byte[10]);
        }
    }

    [Fact]
    public void Abort_FromAnotherThreadAfterTheLoopClosed_FailsClearly()
    {
        var stream = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await server.CloseAsync();
            return client; // left open: the loop closes it
        });
        Assert.True(stream.IsClosed);
        Assert.IsType<InvalidOperationException>(Record.Exception(stream.Abort));
    }

    [Fact]
    public void UnixDomainStream_RoundTrip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coop-{Guid.NewGuid():N}.sock");
        try
        {
            var got = Run(Poller, async () =>
            {
                var listener = SocketListener.Listen(new UnixDomainSocketEndPoint(path));
                var client = await SocketStream.ConnectAsync(new UnixDomainSocketEndPoint(path));
                var server = await listener.AcceptAsync();
                listener.Close();
                await client.SendAllAsync("unix"u8.ToArray());
                await client.SendEofAsync();
                var all = await ReceiveToEnd(server);
                await client.CloseAsync();
                await server.CloseAsync();
                return all;
            });
            Assert.Equal("unix"u8.ToArray(), got);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReceiveAsync_CanceledWhileWaiting_LosesNoByte()
    {
        var got = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reading = loop.CreateTask(server.ReceiveAsync(new byte[16]));
            await Coroutine.Sleep(0.01);
            reading.Cancel();
            Assert.IsType<CanceledException>(await Failure(reading));
            await client.SendAllAsync("abc"u8.ToArray());
            var back = await ReceiveExactly(server, 3);
            client.Abort();
            server.Abort();
            return back;
        });
        Assert.Equal("abc"u8.ToArray(), got);
    }
}

public sealed class SocketStreamEpollTests : SocketStreamTests
{
    protected override PollerKind Poller => PollerKind.Epoll;
}

public sealed class SocketStreamPortableTests : SocketStreamTests
{
    protected override PollerKind Poller => PollerKind.Portable;
}
