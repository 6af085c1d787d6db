using System.Net;
using System.Net.Sockets;
using static Coop.Tests.Simulation.Simulated;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Simulation;

public class SimulationSocketsTests
{
    [Fact]
    public void OpenTcpStream_ToAHostThatServes_ConnectsAfterALookupAndARoundTripAndEchoes()
    {
        Run(async sim =>
        {
            sim.Network.Latency = TimeSpan.FromMilliseconds(10);
            var server = sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            var loop = EventLoop.Current;
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            Assert.Equal(0.030, loop.Time(), 9); // a lookup (10 ms), then a round trip (20 ms)
            Assert.Equal(new IPEndPoint(server.Address, 7), stream.RemoteEndPoint);
            Assert.Equal(sim.Client.Address, ((IPEndPoint)stream.LocalEndPoint!).Address);
            await stream.SendAllAsync(Bytes("ping"));
            Assert.Equal("ping", await ReadAsync(stream, 4));
            Assert.Equal(0.050, loop.Time(), 9);
            Assert.Throws<NotSupportedException>(() => stream.Socket);
        });
    }

    [Fact]
    public void OpenTcpStream_NothingListens_IsRefused()
    {
        Run(async sim =>
        {
            sim.AddHost("server");
            var error = Assert.IsType<SocketException>(await Failure(Network.OpenTcpStreamAsync("server", 7)));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        });
    }

    [Fact]
    public void OpenTcpStream_UnknownName_HostNotFound()
    {
        Run(async sim =>
        {
            var error = Assert.IsType<SocketException>(await Failure(Network.OpenTcpStreamAsync("nowhere", 7)));
            Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        });
    }

    [Fact]
    public void OpenTcpStream_AnAddressNoHostHas_TimesOutAfterTheConnectTimeout()
    {
        Run(async sim =>
        {
            sim.Network.ConnectTimeout = TimeSpan.FromSeconds(3);
            var error = Assert.IsType<SocketException>(await Failure(Network.OpenTcpStreamAsync("10.9.9.9", 7)));
            Assert.Equal(SocketError.TimedOut, error.SocketErrorCode);
            Assert.Equal(3, EventLoop.Current.Time(), 9);
        });
    }

    [Fact]
    public void OpenTcpStream_CanceledWhileConnecting_TheServerEndIsReset()
    {
        Run(async sim =>
        {
            sim.Network.Latency = TimeSpan.FromSeconds(1);
            var seen = new List<string>();
            sim.AddHost("server", () => Network.ServeTcpAsync(async s => seen.Add(await Failure(s.ReceiveAsync(new byte[1])) is IOException ? "reset" : "other"), 7));
            var scope = await CancelScope.MoveOnAfter(2.5, async _ => { await Network.OpenTcpStreamAsync("server", 7); });
            Assert.True(scope.CanceledCaught);
            await Coroutine.Sleep(10);
            Assert.Equal(["reset"], seen);
        });
    }

    [Fact]
    public void GetHostAddresses_AHostAndLocalhost_TheirAddresses()
    {
        Run(async sim =>
        {
            var server = sim.AddHost("Server");
            Assert.Equal([server.Address], await Network.GetHostAddressesAsync("server"));
            Assert.Equal([IPAddress.Loopback], await Network.GetHostAddressesAsync("localhost"));
            var error = Assert.IsType<SocketException>(await Failure(Network.GetHostAddressesAsync("server", AddressFamily.InterNetworkV6)));
            Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
        });
    }

    [Fact]
    public void Listen_PortTakenOrAnotherHostsAddress_SocketErrors()
    {
        Run(async sim =>
        {
            var other = sim.AddHost("other");
            using var first = SocketListener.Listen(new IPEndPoint(IPAddress.Any, 80));
            Assert.Equal(new IPEndPoint(sim.Client.Address, 80), first.LocalEndPoint);
            Assert.Equal(SocketError.AddressAlreadyInUse, Assert.Throws<SocketException>(() => SocketListener.Listen(new IPEndPoint(IPAddress.Any, 80))).SocketErrorCode);
            Assert.Equal(SocketError.AddressNotAvailable, Assert.Throws<SocketException>(() => SocketListener.Listen(new IPEndPoint(other.Address, 81))).SocketErrorCode);
            Assert.Throws<NotSupportedException>(() => SocketListener.Listen(new UnixDomainSocketEndPoint("/tmp/x")));
            using var any = SocketListener.Listen(new IPEndPoint(IPAddress.Any, 0));
            Assert.True(((IPEndPoint)any.LocalEndPoint).Port >= 49152);
            await Coroutine.Yield();
        });
    }

    [Fact]
    public void Listener_ClosedWithAConnectionNotAccepted_TheClientIsReset()
    {
        Run(async sim =>
        {
            var listener = SocketListener.Listen(new IPEndPoint(IPAddress.Any, 80));
            await using var client = await Network.OpenTcpStreamAsync("localhost", 80);
            listener.Close();
            Assert.IsAssignableFrom<IOException>(await Failure(client.ReceiveAsync(new byte[1])));
            Assert.IsType<ObjectDisposedException>(await Failure(listener.AcceptAsync()));
        });
    }

    [Fact]
    public void Udp_SendToAHostsPort_ArrivesWithItsSender_AndAnUnboundPortDropsIt()
    {
        Run(async sim =>
        {
            var server = sim.AddHost("server", async () =>
            {
                using var socket = UdpSocket.Bind(new IPEndPoint(IPAddress.Any, 53));
                var buffer = new byte[100];
                while (true)
                {
                    var got = await socket.ReceiveFromAsync(buffer);
                    await socket.SendToAsync(buffer.AsMemory(0, got.ReceivedBytes), (IPEndPoint)got.RemoteEndPoint);
                }
            });
            using var client = UdpSocket.Bind(new IPEndPoint(IPAddress.Any, 0));
            await Coroutine.Sleep(0.01);
            await client.SendToAsync(Bytes("q"), new IPEndPoint(server.Address, 53));
            var reply = await client.ReceiveFromAsync(new byte[10]);
            Assert.Equal(1, reply.ReceivedBytes);
            Assert.Equal(new IPEndPoint(server.Address, 53), reply.RemoteEndPoint);
            await client.SendToAsync(Bytes("lost"), new IPEndPoint(server.Address, 54));
            var scope = await CancelScope.MoveOnAfter(5, async _ => { await client.ReceiveFromAsync(new byte[10]); });
            Assert.True(scope.CanceledCaught);
        });
    }

    [Fact]
    public void ChildTasksOfAHost_UseTheNetworkAsThatHost()
    {
        Run(async sim =>
        {
            using var callbacks = SocketListener.Listen(new IPEndPoint(IPAddress.Any, 9));
            var server = sim.AddHost("server", () => Network.ServeTcpAsync(async s =>
            {
                await using var back = await Network.OpenTcpStreamAsync("client", 9); // from a handler task of 'server'
                await back.SendAllAsync(Bytes("hi"));
            }, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            await using var called = await callbacks.AcceptAsync();
            Assert.Equal(server.Address, ((IPEndPoint)called.RemoteEndPoint!).Address);
            Assert.Equal("hi", await ReadAsync(called, 2));
        });
    }

    [Fact]
    public void Stream_UsedAfterItsLoopEnded_FromAnotherLoop_ThrowsInvalidOperation()
    {
        SocketStream? kept = null;
        Run(async sim =>
        {
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            kept = await Network.OpenTcpStreamAsync("server", 7);
        });
        var error = Streams.StreamTest.Run(() => Failure(kept!.ReceiveAsync(new byte[1])));
        Assert.IsType<InvalidOperationException>(error);
    }
}
