using System.Net;
using System.Net.Sockets;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>The loop's low-level socket calls, against every poller (STYLE 14).</summary>
[Collection(IoSerial.Name)]
public abstract class EventLoopSocketsTests
{
    protected abstract PollerKind Poller { get; }

    [Fact]
    public void SockCalls_ConnectAcceptSendReceive_RoundTrip()
    {
        var got = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(AnyLoopbackPort);
            listener.Listen();
            var accepting = loop.CreateTask(loop.SockAcceptAsync(listener));
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await loop.SockConnectAsync(client, listener.LocalEndPoint!);
            var server = await accepting;
            Assert.True(client.Connected);
            await loop.SockSendAllAsync(client, "hello"u8.ToArray());
            var buffer = new byte[16];
            var n = await loop.SockReceiveAsync(server, buffer);
            var sent = await loop.SockSendAsync(server, buffer.AsMemory(0, n));
            var m = await loop.SockReceiveAsync(client, buffer);
            loop.SockClose(server);
            loop.SockClose(client);
            loop.SockClose(listener);
            loop.SockClose(listener); // twice: nothing
            return (n, sent, m, loop.OpenSockets);
        });
        Assert.Equal((5, 5, 5, 0), got);
    }

    [Fact]
    public void SockAcceptAsync_CanceledWhileWaiting_NextAcceptGetsTheConnection()
    {
        var accepted = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(AnyLoopbackPort);
            listener.Listen();
            var first = loop.CreateTask(loop.SockAcceptAsync(listener));
            await Coroutine.Sleep(0.01);
            first.Cancel();
            Assert.IsType<CanceledException>(await Failure(first));
            using var client = PlainClient(listener.LocalEndPoint!);
            var server = await loop.SockAcceptAsync(listener);
            var ok = server.Connected;
            server.Dispose();
            loop.SockClose(listener);
            return ok;
        });
        Assert.True(accepted);
    }

    [Fact]
    public void SockSendAsync_CanceledWhileWaitingForRoom_SentNothing()
    {
        var (filled, received) = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var socket = client.Socket;
            var chunk = new byte[64 * 1024];
            var filled = 0L;
            while (true) // fill both kernels' buffers until the socket has no room
            {
                var n = socket.Send(chunk, 0, chunk.Length, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    break;
                }

                filled += n;
            }

            var sending = loop.CreateTask(loop.SockSendAsync(socket, chunk));
            await Coroutine.Sleep(0.02);
            Assert.False(sending.IsDone);
            sending.Cancel();
            Assert.IsType<CanceledException>(await Failure(sending));
            await client.SendEofAsync();
            var received = (await ReceiveToEnd(server)).LongLength;
            await client.CloseAsync();
            await server.CloseAsync();
            return (filled, received);
        });
        Assert.Equal(filled, received);
    }

    [Fact]
    public void SockSendAllAsync_WhileASockSendWaitsForRoom_RefusedNamingTheCall()
    {
        var error = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var chunk = new byte[64 * 1024];
            while (client.TrySend(chunk, out _))
            {
                // fill both kernels' buffers until the socket has no room
            }

            var sending = loop.CreateTask(loop.SockSendAsync(client.Socket, chunk));
            await Coroutine.Sleep(0.02);
            var refused = await Failure(loop.SockSendAllAsync(client.Socket, chunk));
            sending.Cancel();
            await Failure(sending);
            client.Abort();
            server.Abort();
            return refused;
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.StartsWith("SendAllAsync: another task is already waiting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SockReceiveFromAsync_CanceledWhileWaiting_TakesNoDatagram()
    {
        var got = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (a, b) = UdpPair();
            var receiving = loop.CreateTask(loop.SockReceiveFromAsync(b, new byte[64]));
            await Coroutine.Sleep(0.01);
            receiving.Cancel();
            Assert.IsType<CanceledException>(await Failure(receiving));
            await loop.SockSendToAsync(a, "kept"u8.ToArray(), b.LocalEndPoint!);
            var result = await loop.SockReceiveFromAsync(b, new byte[64]);
            loop.SockClose(a);
            loop.SockClose(b);
            return result.ReceivedBytes;
        });
        Assert.Equal(4, got);
    }

    [Fact]
    public void WaitReadableAsync_Canceled_UnregistersInterest()
    {
        Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var wait = loop.WaitReadableAsync(server.Socket);
            Assert.Equal(1, loop.ForeignWaits + loop.IoWaits);
            Assert.True(wait.Cancel());
            Assert.Equal(0, loop.ForeignWaits + loop.IoWaits);
            var again = loop.WaitReadableAsync(server.Socket); // the direction is free again
            await client.SendAllAsync("r"u8.ToArray());
            await again;
            Assert.Equal(0, loop.ForeignWaits + loop.IoWaits);
            await client.CloseAsync();
            await server.CloseAsync();
        });
    }

    [Fact]
    public void WaitWritableAsync_ConnectedSocket_CompletesAtOnce()
    {
        Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            await loop.WaitWritableAsync(client.Socket);
            await client.CloseAsync();
            await server.CloseAsync();
        });
    }

    [Fact]
    public void SockReceiveFromAndSendTo_Udp_CarryDatagramsAndSenders()
    {
        var got = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (a, b) = UdpPair();
            var receiving = loop.CreateTask(loop.SockReceiveFromAsync(b, new byte[64]));
            await Coroutine.Sleep(0.01);
            await loop.SockSendToAsync(a, "one"u8.ToArray(), b.LocalEndPoint!);
            await loop.SockSendToAsync(a, "two!"u8.ToArray(), b.LocalEndPoint!);
            var first = await receiving;
            var second = await loop.SockReceiveFromAsync(b, new byte[64]);
            var from = first.RemoteEndPoint;
            loop.SockClose(a);
            var aPort = ((IPEndPoint)from).Port;
            loop.SockClose(b);
            return (first.ReceivedBytes, second.ReceivedBytes, aPort > 0);
        });
        Assert.Equal((3, 4, true), got);
    }

    [Fact]
    public void SockConnectAsync_DnsEndPoint_IsRejected()
    {
        Run(Poller, async () =>
        {
            await Coroutine.Yield();
            var loop = EventLoop.Current;
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var error = Assert.Throws<ArgumentException>(() => loop.SockConnectAsync(socket, new DnsEndPoint("localhost", 80)));
            Assert.Contains("resolve", error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void SockSendAsync_AfterOwnShutdown_FailsWithDotnetsShutdownError()
    {
        // send(2) after shutdown(SHUT_WR) is EPIPE: the same SocketException .NET's Send gives.
        var error = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            client.Socket.Shutdown(SocketShutdown.Send);
            var failure = await Failure(loop.SockSendAsync(client.Socket, new byte[1]));
            client.Abort();
            server.Abort();
            return failure;
        });
        AssertDotnetsError(SocketError.Shutdown, error);
    }

    [Fact]
    public void SockReceiveAsync_PeerReset_FailsWithDotnetsResetError()
    {
        var error = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            await server.SendAllAsync("unread"u8.ToArray());
            await Coroutine.Sleep(0.01);
            client.Abort(); // unread data + linger 0: a reset
            var failure = await Failure(loop.SockReceiveAsync(server.Socket, new byte[64]));
            server.Abort();
            return failure;
        });
        AssertDotnetsError(SocketError.ConnectionReset, error);
    }

    /// <summary>The error is the SocketException .NET's own calls raise: its code and its message.</summary>
    private static void AssertDotnetsError(SocketError expected, Exception? error)
    {
        var socketError = Assert.IsType<SocketException>(error);
        Assert.Equal(expected, socketError.SocketErrorCode);
        Assert.Equal(new SocketException((int)expected).Message, socketError.Message);
    }

    [Fact]
    public void SockReceiveAsync_LoopNotRunning_FailsClearly()
    {
        using var loop = new EventLoop(new EventLoopOptions { Poller = Poller });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = Assert.Throws<InvalidOperationException>(() => loop.SockReceiveAsync(socket, new byte[1]));
        Assert.Contains("running on this event loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SockReceiveAsync_ClosedLoop_FailsClearly()
    {
        var loop = new EventLoop(new EventLoopOptions { Poller = Poller });
        loop.Close();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = Assert.Throws<InvalidOperationException>(() => loop.SockReceiveAsync(socket, new byte[1]));
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Close_SocketsStillOpen_AreClosedAndReported()
    {
        var errors = new List<LoopError>();
        Socket? leftOpen = null;
        Bounded.Run(() =>
        {
            var loop = new EventLoop(new EventLoopOptions { Poller = Poller });
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            var pair = loop.RunUntilComplete(ConnectedPair());
            leftOpen = pair.Client.Socket;
            loop.Close();
            Assert.True(pair.Client.IsClosed);
            Assert.True(pair.Server.IsClosed);
        });
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("still open when its event loop closed", e.Message, StringComparison.Ordinal));
        Assert.True(leftOpen!.SafeHandle.IsClosed);
    }

    [Fact]
    public void SockCalls_SocketOfAnotherLoop_FailClearly()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(AnyLoopbackPort);
        using var first = new EventLoop(new EventLoopOptions { Poller = Poller });
        Bounded.Run(() =>
        {
            first.RunUntilComplete(Touch(socket));
            var error = Bounded.Run(() => EventLoop.Run(Attempt(socket), new EventLoopOptions { Poller = Poller }));
            Assert.IsType<InvalidOperationException>(error);
            Assert.Contains("another event loop", error!.Message, StringComparison.Ordinal);
            first.RunUntilComplete(CloseIt(socket));
        });

        static async Coroutine Touch(Socket socket)
        {
            var wait = EventLoop.Current.WaitReadableAsync(socket);
            wait.Cancel();
            await Coroutine.Yield();
        }

        static async Coroutine<Exception?> Attempt(Socket socket)
        {
            await Coroutine.Yield();
            return Record.Exception(() => EventLoop.Current.SockReceiveAsync(socket, new byte[1]));
        }

        static async Coroutine CloseIt(Socket socket)
        {
            await Coroutine.Yield();
            EventLoop.Current.SockClose(socket);
        }
    }
}

public sealed class EventLoopSocketsEpollTests : EventLoopSocketsTests
{
    protected override PollerKind Poller => PollerKind.Epoll;
}

public sealed class EventLoopSocketsPortableTests : EventLoopSocketsTests
{
    protected override PollerKind Poller => PollerKind.Portable;
}
