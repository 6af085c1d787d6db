using System.Net;
using System.Net.Sockets;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>Structured servers over the operating system's sockets, for each poller: listeners opened
/// first report their ports, each connection is a child task, canceling the scope ends everything.</summary>
[Collection(IoSerial.Name)]
public abstract class NetworkServersTests
{
    protected abstract PollerKind Poller { get; }

    [Fact]
    public void ServeListenersAsync_PortZero_TheListenerReportsItsPortAndEveryClientIsServed()
    {
        var replies = Run(Poller, async () =>
        {
            var replies = new string[3];
            await TaskGroup.Run(async group =>
            {
                var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
                var port = Assert.IsType<IPEndPoint>(listeners.Single().LocalEndPoint).Port;
                Assert.NotEqual(0, port);
                var serving = new CancelScope();
                group.Start(serving.RunAsync(_ => Network.ServeListenersAsync(Echo, listeners)));
                await TaskGroup.Run(async clients =>
                {
                    for (var i = 0; i < replies.Length; i++)
                    {
                        var n = i;
                        clients.Start(Client(port, $"hello {n}", reply => replies[n] = reply));
                    }
                });
                serving.Cancel();
            });
            return replies;
        });
        Assert.Equal(["hello 0", "hello 1", "hello 2"], replies);
    }

    [Fact]
    public void ServeListenersAsync_ScopeCanceled_StopsAcceptingCancelsConnectionsAndClosesListeners()
    {
        var (handlerCanceled, clientSawEnd, listenerClosed, refused, openAfter) = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var before = loop.OpenSockets;
            var handlerCanceled = false;
            var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
            var port = ((IPEndPoint)listeners[0].LocalEndPoint).Port;
            var serving = new CancelScope();
            var server = loop.CreateTask(serving.RunAsync(_ => Network.ServeListenersAsync(Silent, listeners)));
            var client = await Network.OpenTcpStreamAsync("127.0.0.1", port);
            await Coroutine.Sleep(0.05); // the handler is waiting for bytes that never come
            serving.Cancel();
            await server;
            var end = await client.ReceiveAsync(new byte[8]);
            await client.CloseAsync();
            var refused = await Failure(Network.OpenTcpStreamAsync("127.0.0.1", port));
            return (handlerCanceled, end == 0, listeners[0].IsClosed, refused, loop.OpenSockets - before);

            async Coroutine Silent(SocketStream stream)
            {
                try
                {
                    await stream.ReceiveAsync(new byte[8]);
                }
                catch (CanceledException)
                {
                    handlerCanceled = true;
                    throw;
                }
            }
        });
        Assert.True(handlerCanceled);
        Assert.True(clientSawEnd, "the connection's stream should have been closed, so the client reads end of stream");
        Assert.True(listenerClosed);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused).SocketErrorCode);
        Assert.Equal(0, openAfter);
    }

    [Fact]
    public void ServeListenersAsync_HandlerThrows_ReportedConnectionAbortedAndTheServerGoesOn()
    {
        var (firstError, second, reports) = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var reports = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => reports.Add(e);
            var calls = 0;
            var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
            var port = ((IPEndPoint)listeners[0].LocalEndPoint).Port;
            var serving = new CancelScope();
            var server = loop.CreateTask(serving.RunAsync(_ => Network.ServeListenersAsync(Flaky, listeners)));
            var first = await Network.OpenTcpStreamAsync("127.0.0.1", port);
            await first.SendAllAsync("x"u8.ToArray());
            var firstError = await Failure(ReceiveToEnd(first));
            await first.CloseAsync();
            string? second = null;
            await Client(port, "again", reply => second = reply);
            serving.Cancel();
            await server;
            return (firstError, second, reports);

            async Coroutine Flaky(SocketStream stream)
            {
                if (calls++ == 0)
                {
                    await stream.ReceiveAsync(new byte[1]);
                    throw new InvalidDataException("bad request");
                }

                await Echo(stream);
            }
        });
        Assert.IsAssignableFrom<IOException>(firstError); // aborted: the client sees a reset
        Assert.Equal("again", second);
        var report = Assert.Single(reports);
        Assert.IsType<InvalidDataException>(report.Exception);
        Assert.Contains("the server goes on", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServeListenersAsync_HandlerReturnsWithTheStreamOpen_ItIsClosedGracefully()
    {
        var got = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
            var serving = new CancelScope();
            var server = loop.CreateTask(serving.RunAsync(_ => Network.ServeListenersAsync(s => s.SendAllAsync("bye"u8.ToArray()), listeners)));
            var client = await Network.OpenTcpStreamAsync("127.0.0.1", ((IPEndPoint)listeners[0].LocalEndPoint).Port);
            var all = await ReceiveToEnd(client); // ends: the server closed it
            await client.CloseAsync();
            serving.Cancel();
            await server;
            return all;
        });
        Assert.Equal("bye"u8.ToArray(), got);
    }

    [Fact]
    public void ServeTcpAsync_KnownPort_ServesUntilCanceled()
    {
        var port = FreePort();
        var reply = Run(Poller, async () =>
        {
            string? reply = null;
            var serving = new CancelScope();
            var server = EventLoop.Current.CreateTask(serving.RunAsync(_ => Network.ServeTcpAsync(Echo, port, "127.0.0.1")));
            await Coroutine.Yield(); // the serving task's first step opens the listener
            await Client(port, "known", r => reply = r);
            serving.Cancel();
            await server;
            return reply;
        });
        Assert.Equal("known", reply);
    }

    [Fact]
    public void OpenTcpListenersAsync_PortTaken_ThrowsAddressAlreadyInUse()
    {
        var error = Run(Poller, async () =>
        {
            var first = await Network.OpenTcpListenersAsync(0, "127.0.0.1", new SocketOptions { ReuseAddress = false });
            var port = ((IPEndPoint)first[0].LocalEndPoint).Port;
            var failure = await Failure(Network.OpenTcpListenersAsync(port, "127.0.0.1", new SocketOptions { ReuseAddress = false }));
            first[0].Close();
            return failure;
        });
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(error).SocketErrorCode);
    }

    [Fact]
    public void OpenTcpListenersAsync_NoHost_OneListenerForBothFamilies()
    {
        if (!Socket.OSSupportsIPv6 || !Loopback6Works())
        {
            return; // no IPv6 here: [::] is not made
        }

        var replies = Run(Poller, async () =>
        {
            var listeners = await Network.OpenTcpListenersAsync(0);
            var listener = Assert.Single(listeners);
            Assert.Equal(IPAddress.IPv6Any, ((IPEndPoint)listener.LocalEndPoint).Address);
            var port = ((IPEndPoint)listener.LocalEndPoint).Port;
            var serving = new CancelScope();
            var server = EventLoop.Current.CreateTask(serving.RunAsync(_ => Network.ServeListenersAsync(Echo, listeners)));
            string? v4 = null, v6 = null;
            await Client(port, "four", r => v4 = r, "127.0.0.1");
            await Client(port, "six", r => v6 = r, "::1");
            serving.Cancel();
            await server;
            return (v4, v6);
        });
        Assert.Equal(("four", "six"), replies);
    }

    [Fact]
    public void ServeUnixAsync_Path_ServesAndTheSocketFileIsGoneAfterwards()
    {
        var path = TempSocketPath();
        var (reply, existedWhileServing) = Run(Poller, async () =>
        {
            string? reply = null;
            var existed = false;
            var serving = new CancelScope();
            var server = EventLoop.Current.CreateTask(serving.RunAsync(_ => Network.ServeUnixAsync(Echo, path)));
            await Coroutine.Yield();
            existed = File.Exists(path);
            var client = await Network.OpenUnixStreamAsync(path);
            reply = await Exchange(client, "over unix");
            serving.Cancel();
            await server;
            return (reply, existed);
        });
        Assert.Equal("over unix", reply);
        Assert.True(existedWhileServing);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ServeUnixAsync_AbstractName_Serves()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // abstract names are Linux's
        }

        var name = $"\0coop-test-{Guid.NewGuid():N}";
        var reply = Run(Poller, async () =>
        {
            var listener = Network.OpenUnixListener(name);
            var serving = new CancelScope();
            var server = EventLoop.Current.CreateTask(serving.RunAsync(_ => Network.ServeListenersAsync(Echo, [listener])));
            var reply = await Exchange(await Network.OpenUnixStreamAsync(name), "abstract");
            serving.Cancel();
            await server;
            return reply;
        });
        Assert.Equal("abstract", reply);
    }

    [Fact]
    public void OpenUnixListener_SocketFileLeftByADeadServer_IsReplaced()
    {
        var path = TempSocketPath();
        MakeStaleSocketFile(path);
        var reply = Run(Poller, async () =>
        {
            using var listener = Network.OpenUnixListener(path);
            var accepting = EventLoop.Current.CreateTask(listener.AcceptAsync());
            var client = await Network.OpenUnixStreamAsync(path);
            var server = await accepting;
            await server.SendAllAsync("fresh"u8.ToArray());
            await server.CloseAsync();
            var reply = System.Text.Encoding.ASCII.GetString(await ReceiveToEnd(client));
            await client.CloseAsync();
            return reply;
        });
        Assert.Equal("fresh", reply);
    }

    [Fact]
    public void OpenUnixListener_LiveServerAtThePath_ThrowsAddressAlreadyInUse()
    {
        var path = TempSocketPath();
        var error = Run(Poller, async () =>
        {
            await Coroutine.Yield();
            using var live = Network.OpenUnixListener(path);
            return Record.Exception(() => Network.OpenUnixListener(path));
        });
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(error).SocketErrorCode);
    }

    [Fact]
    public void OpenUnixListener_RegularFileAtThePath_IsKeptAndTheBindFails()
    {
        var path = TempSocketPath();
        File.WriteAllText(path, "not a socket");
        try
        {
            var error = Run(Poller, async () =>
            {
                await Coroutine.Yield();
                return Record.Exception(() => Network.OpenUnixListener(path));
            });
            Assert.IsType<SocketException>(error);
            Assert.Equal("not a socket", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static async Coroutine Echo(SocketStream stream)
    {
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReceiveAsync(buffer)) > 0)
        {
            await stream.SendAllAsync(buffer.AsMemory(0, n));
        }
    }

    internal static async Coroutine Client(int port, string message, Action<string> reply, string host = "127.0.0.1") =>
        reply(await Exchange(await Network.OpenTcpStreamAsync(host, port), message));

    /// <summary>Sends <paramref name="message"/>, half-closes, reads the reply to its end, closes.</summary>
    internal static async Coroutine<string> Exchange(SocketStream stream, string message)
    {
        await stream.SendAllAsync(System.Text.Encoding.ASCII.GetBytes(message));
        await stream.SendEofAsync();
        var reply = System.Text.Encoding.ASCII.GetString(await ReceiveToEnd(stream));
        await stream.CloseAsync();
        return reply;
    }

    internal static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(AnyLoopbackPort);
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    internal static string TempSocketPath() => Path.Combine(Path.GetTempPath(), $"coop-{Guid.NewGuid():N}.sock");

    /// <summary>A socket file with no listener behind it, as a server that died leaves: bound
    /// elsewhere, moved to <paramref name="path"/>, then closed (.NET removes only the path it bound).</summary>
    private static void MakeStaleSocketFile(string path)
    {
        var elsewhere = TempSocketPath();
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(elsewhere));
            socket.Listen();
            File.Move(elsewhere, path);
        }

        Assert.True(File.Exists(path));
    }

    private static bool Loopback6Works()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

public sealed class NetworkServersEpollTests : NetworkServersTests
{
    protected override PollerKind Poller => PollerKind.Epoll;
}

public sealed class NetworkServersPortableTests : NetworkServersTests
{
    protected override PollerKind Poller => PollerKind.Portable;
}

/// <summary>The accept loop's back-off, on a scripted listener in virtual time.</summary>
public class NetworkServersBackoffTests
{
    [Fact]
    public void ServeListenersAsync_AcceptOutOfDescriptors_ReportsBacksOffDoublingThenServes()
    {
        var net = new FakeNetworkStack();
        var (reports, served) = Run(net, async () =>
        {
            var loop = EventLoop.Current;
            var reports = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => reports.Add(e);
            var listener = (FakeNetworkStack.FakeListener)SocketListener.Listen(new IPEndPoint(IPAddress.Loopback, 80));
            for (var i = 0; i < 6; i++)
            {
                listener.Accepts.Enqueue(SocketError.TooManyOpenSockets);
            }

            listener.Accepts.Enqueue(null); // a connection, once descriptors are free again
            listener.Accepts.Enqueue(SocketError.TooManyOpenSockets);
            var served = 0;
            await CancelScope.MoveOnAfter(60, _ => Network.ServeListenersAsync(
                async s => { served++; await s.CloseAsync(); }, [listener]));
            var t0 = listener.AcceptTimes[0];
            Assert.Equal([0, 0.1, 0.3, 0.7, 1.5, 2.5, 3.5, 3.5, 3.6], listener.AcceptTimes.Select(t => Math.Round(t - t0, 6)));
            Assert.True(listener.IsClosed);
            return (reports, served);
        });
        Assert.Equal(7, reports.Count); // 100, 200, 400, 800, 1000, 1000 ms; after the success 100 ms again
        Assert.All(reports, r => Assert.Equal(SocketError.TooManyOpenSockets, Assert.IsType<SocketException>(r.Exception).SocketErrorCode));
        Assert.Contains("tries again in 100 ms", reports[0].Message, StringComparison.Ordinal);
        Assert.Contains("tries again in 1000 ms", reports[5].Message, StringComparison.Ordinal);
        Assert.Contains("tries again in 100 ms", reports[6].Message, StringComparison.Ordinal);
        Assert.Equal(1, served);
    }

    [Fact]
    public void ServeListenersAsync_PeerGaveUpBeforeTheAccept_SkippedWithoutAReport()
    {
        var net = new FakeNetworkStack();
        var (reports, served) = Run(net, async () =>
        {
            var loop = EventLoop.Current;
            var reports = new List<LoopError>();
            loop.ExceptionHandler = (_, e) => reports.Add(e);
            var listener = (FakeNetworkStack.FakeListener)SocketListener.Listen(new IPEndPoint(IPAddress.Loopback, 80));
            listener.Accepts.Enqueue(SocketError.ConnectionAborted);
            listener.Accepts.Enqueue(null);
            var served = 0;
            await CancelScope.MoveOnAfter(1, _ => Network.ServeListenersAsync(async s => { served++; await s.CloseAsync(); }, [listener]));
            return (reports, served);
        });
        Assert.Empty(reports);
        Assert.Equal(1, served);
    }

    [Fact]
    public void ServeListenersAsync_BadArguments_ThrowAtTheCall()
    {
        Assert.Throws<ArgumentNullException>(() => Network.ServeListenersAsync(null!, []));
        Assert.Throws<ArgumentException>(() => Network.ServeListenersAsync(s => s.CloseAsync(), []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Network.ServeTcpAsync(s => s.CloseAsync(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Network.OpenTcpListenersAsync(65536));
        Assert.Throws<ArgumentException>(() => Network.OpenTcpListenersAsync(0, " "));
        Assert.Throws<ArgumentException>(() => Network.ServeUnixAsync(s => s.CloseAsync(), ""));
    }

    private static T Run<T>(FakeNetworkStack net, Func<Coroutine<T>> main) =>
        Bounded.Run(() => EventLoop.Run(main(), new EventLoopOptions { TimeProvider = new VirtualClock(), NetworkStack = net }));
}
