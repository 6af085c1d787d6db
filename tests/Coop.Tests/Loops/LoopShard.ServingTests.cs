using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Coop.Tests.IO;
using Coop.Tests.Support;

namespace Coop.Tests.Loops;

/// <summary>Serving on a group, both ways of spreading connections: every client is served, by more
/// than one loop, and a shutdown with connections open loses none of them silently.</summary>
[Collection(IoSerial.Name)]
public class LoopShardServingTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static TheoryData<ConnectionSpreading> Spreadings() =>
        OperatingSystem.IsLinux() ? new() { ConnectionSpreading.ReusePort, ConnectionSpreading.HandOff } : new() { ConnectionSpreading.HandOff };

    [Theory]
    [MemberData(nameof(Spreadings))]
    public void ServeTcpAsync_ManyClients_EachIsServedOnOneLoopAndEveryLoopServes(ConnectionSpreading spreading)
    {
        var port = FreePort();
        var replies = new ConcurrentBag<string>();
        Bounded.Run(() =>
        {
            using var group = new LoopGroup(new LoopGroupOptions { LoopCount = 2 });
            group.Start(shard => shard.ServeTcpAsync(stream => Reply(stream, shard.Name), port, "127.0.0.1", spreading: spreading));
            Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => replies.Add(Ask(port)));
            group.Shutdown(Limit);
        }, Limit);

        Assert.Equal(40, replies.Count);
        Assert.Equal(["loop-0", "loop-1"], replies.Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Spreadings))]
    public void Shutdown_ConnectionsOpen_EveryAcceptedConnectionIsCanceledAndClosedNoneVanishes(ConnectionSpreading spreading)
    {
        const int Clients = 12;
        var port = FreePort();
        var started = 0;
        var ended = 0;
        var clientsSawTheEnd = 0;
        Bounded.Run(() =>
        {
            var group = new LoopGroup(new LoopGroupOptions { LoopCount = 2 });
            group.Start(shard => shard.ServeTcpAsync(async stream =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await stream.ReceiveAsync(new byte[1]); // the client never sends: waits until shutdown
                }
                finally
                {
                    Interlocked.Increment(ref ended);
                }
            }, port, "127.0.0.1", spreading: spreading));
            var clients = Enumerable.Range(0, Clients).Select(_ => Connect(port)).ToList();
            SpinWait.SpinUntil(() => Volatile.Read(ref started) == Clients, Limit);
            group.Shutdown(Limit);
            foreach (var client in clients)
            {
                try
                {
                    if (client.Receive(new byte[1]) == 0)
                    {
                        clientsSawTheEnd++;
                    }
                }
                catch (SocketException)
                {
                    clientsSawTheEnd++; // reset: also an end the client sees
                }

                client.Dispose();
            }
        }, Limit);

        Assert.Equal(Clients, started);
        Assert.Equal(Clients, ended);
        Assert.Equal(Clients, clientsSawTheEnd);
    }

    [Fact]
    public void ServeTcpAsync_FromAnotherLoopOrWithPortZero_Throws()
    {
        using var group = new LoopGroup(new LoopGroupOptions { LoopCount = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => group.Shards[0].ServeTcpAsync(_ => Reply(null!, ""), 0));
        Assert.Throws<InvalidOperationException>(() => group.Shards[0].ServeTcpAsync(_ => Reply(null!, ""), 8080));
    }

    [Fact]
    public void ReusePort_OffLinux_IsRefusedClearly()
    {
        if (OperatingSystem.IsLinux())
        {
            // On Linux two listeners share the port.
            var port = FreePort();
            async Coroutine BindTwice()
            {
                var options = new SocketOptions { ReusePort = true };
                var first = await Network.OpenTcpListenersAsync(port, "127.0.0.1", options);
                var second = await Network.OpenTcpListenersAsync(port, "127.0.0.1", options);
                first[0].Close();
                second[0].Close();
            }

            EventLoop.Run(BindTwice());
            return;
        }

        Assert.Throws<PlatformNotSupportedException>(() => EventLoop.Run(Network.OpenTcpListenersAsync(FreePort(), "127.0.0.1", new SocketOptions { ReusePort = true })));
    }

    private static async Coroutine Reply(SocketStream stream, string name)
    {
        var buffer = new byte[1];
        await stream.ReceiveAsync(buffer);
        await stream.SendAllAsync(Encoding.ASCII.GetBytes(name));
        await stream.SendEofAsync();
    }

    private static string Ask(int port)
    {
        using var client = Connect(port);
        client.Send([1]);
        var reply = new MemoryStream();
        var buffer = new byte[64];
        int n;
        while ((n = client.Receive(buffer)) > 0)
        {
            reply.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(reply.ToArray());
    }

    /// <summary>Connects, trying again while the group's listeners are not open yet (Start returns
    /// before the loops listen).</summary>
    private static Socket Connect(int port)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
            try
            {
                client.Connect(new IPEndPoint(IPAddress.Loopback, port));
                return client;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && DateTime.UtcNow < deadline)
            {
                client.Dispose();
                Thread.Sleep(10);
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
