using System.Net;
using System.Net.Sockets;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>UDP sockets over the operating system's network, for each poller.</summary>
[Collection(IoSerial.Name)]
public abstract class UdpSocketTests
{
    protected abstract PollerKind Poller { get; }

    [Fact]
    public void SendToAsync_ReceiveFromAsync_DatagramArrivesWithItsSender()
    {
        var (text, sender, expected) = Run(Poller, async () =>
        {
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            using var b = UdpSocket.Bind(AnyLoopbackPort);
            Assert.NotEqual(0, a.LocalEndPoint.Port);
            Assert.Equal(5, await a.SendToAsync("hello"u8.ToArray(), b.LocalEndPoint));
            var buffer = new byte[64];
            var got = await b.ReceiveFromAsync(buffer);
            return (System.Text.Encoding.ASCII.GetString(buffer, 0, got.ReceivedBytes), got.RemoteEndPoint, a.LocalEndPoint);
        });
        Assert.Equal("hello", text);
        Assert.Equal(expected, sender);
    }

    [Fact]
    public void ReceiveFromAsync_CanceledWhileWaiting_TheNextReceiveGetsTheDatagram()
    {
        var got = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            using var b = UdpSocket.Bind(AnyLoopbackPort);
            var waiting = loop.CreateTask(b.ReceiveFromAsync(new byte[16]));
            await Coroutine.Sleep(0.01);
            waiting.Cancel();
            Assert.IsType<CanceledException>(await Failure(waiting));
            await a.SendToAsync("kept"u8.ToArray(), b.LocalEndPoint);
            var buffer = new byte[16];
            var result = await b.ReceiveFromAsync(buffer);
            return buffer[..result.ReceivedBytes];
        });
        Assert.Equal("kept"u8.ToArray(), got);
    }

    [Fact]
    public void ReceiveFromAsync_BufferShorterThanTheDatagram_TruncatesAndTheRestIsLost()
    {
        var (first, second) = Run(Poller, async () =>
        {
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            using var b = UdpSocket.Bind(AnyLoopbackPort);
            await a.SendToAsync("0123456789"u8.ToArray(), b.LocalEndPoint);
            await a.SendToAsync("next"u8.ToArray(), b.LocalEndPoint);
            var small = new byte[4];
            var one = await b.ReceiveFromAsync(small);
            var big = new byte[16];
            var two = await b.ReceiveFromAsync(big);
            return (System.Text.Encoding.ASCII.GetString(small, 0, one.ReceivedBytes), System.Text.Encoding.ASCII.GetString(big, 0, two.ReceivedBytes));
        });
        Assert.Equal("0123", first);
        Assert.Equal("next", second);
    }

    [Fact]
    public void ReceiveFromAsync_SecondReceiverWhileOneWaits_FailsClearly()
    {
        var error = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            var first = loop.CreateTask(a.ReceiveFromAsync(new byte[4]));
            await Coroutine.Sleep(0.01);
            var failure = await Failure(a.ReceiveFromAsync(new byte[4]));
            first.Cancel();
            await Failure(first);
            return failure;
        });
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Close_WhileAReceiveWaits_TheReceiveThrowsObjectDisposed()
    {
        var (error, after) = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var a = UdpSocket.Bind(AnyLoopbackPort);
            var waiting = loop.CreateTask(a.ReceiveFromAsync(new byte[4]));
            await Coroutine.Sleep(0.01);
            a.Close();
            a.Close(); // twice: nothing
            return (await Failure(waiting), await Failure(a.SendToAsync(new byte[1], AnyLoopbackPort)));
        });
        Assert.IsType<ObjectDisposedException>(error);
        Assert.IsType<ObjectDisposedException>(after);
    }

    [Fact]
    public void SendToAsync_FromAnotherThread_FailsClearly()
    {
        var error = Run(Poller, async () =>
        {
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            return await Coroutine.ToThread(() => Record.Exception(() => EventLoop.Run(a.SendToAsync(new byte[1], a.LocalEndPoint), new EventLoopOptions { Poller = Poller })));
        });
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Bind_IPv6Any_ReceivesIPv4DatagramsToo()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        var got = Run(Poller, async () =>
        {
            using var any = UdpSocket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
            using var v4 = UdpSocket.Bind(AnyLoopbackPort);
            await v4.SendToAsync("four"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, any.LocalEndPoint.Port));
            var buffer = new byte[8];
            var result = await any.ReceiveFromAsync(buffer);
            return buffer[..result.ReceivedBytes];
        });
        Assert.Equal("four"u8.ToArray(), got);
    }

    [Fact]
    public void ManyDatagrams_SentAndReceivedAndClosed_LeakNothing()
    {
        Exchange(50);
        var before = ResourceSnapshot.Take();
        Exchange(500);
        before.AssertNoLeak();
    }

    private void Exchange(int count) => Run(Poller, async () =>
    {
        var buffer = new byte[64];
        for (var i = 0; i < count; i++)
        {
            using var a = UdpSocket.Bind(AnyLoopbackPort);
            using var b = UdpSocket.Bind(AnyLoopbackPort);
            await a.SendToAsync(buffer.AsMemory(0, 32), b.LocalEndPoint);
            await b.ReceiveFromAsync(buffer);
        }

        Assert.Equal(0, EventLoop.Current.OpenSockets);
    }, TimeSpan.FromSeconds(60));
}

public sealed class UdpSocketEpollTests : UdpSocketTests
{
    protected override PollerKind Poller => PollerKind.Epoll;
}

public sealed class UdpSocketPortableTests : UdpSocketTests
{
    protected override PollerKind Poller => PollerKind.Portable;
}
