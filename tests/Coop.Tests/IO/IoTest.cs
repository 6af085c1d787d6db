using System.Net;
using System.Net.Sockets;
using Coop.Tests.Support;

namespace Coop.Tests.IO;

/// <summary>Shared bits of the I/O tests: a bounded loop with a chosen poller, loopback endpoints,
/// and an echo peer.</summary>
internal static class IoTest
{
    public static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    public static void Run(PollerKind poller, Func<Coroutine> main, TimeSpan? limit = null) =>
        Bounded.Run(() => EventLoop.Run(main(), new EventLoopOptions { Poller = poller }), limit);

    public static T Run<T>(PollerKind poller, Func<Coroutine<T>> main, TimeSpan? limit = null) =>
        Bounded.Run(() => EventLoop.Run(main(), new EventLoopOptions { Poller = poller }), limit);

    /// <summary>A connected pair of TCP streams on the running loop: (client, server side).</summary>
    public static async Coroutine<(SocketStream Client, SocketStream Server)> ConnectedPair()
    {
        var listener = SocketListener.Listen(AnyLoopbackPort);
        try
        {
            var client = await SocketStream.ConnectAsync(listener.LocalEndPoint);
            var server = await listener.AcceptAsync();
            return (client, server);
        }
        finally
        {
            listener.Close();
        }
    }

    /// <summary>Two UDP sockets bound to loopback ports, not yet registered with any loop.</summary>
    public static (Socket A, Socket B) UdpPair()
    {
        var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(AnyLoopbackPort);
        b.Bind(AnyLoopbackPort);
        return (a, b);
    }

    /// <summary>Receives until <paramref name="count"/> bytes came or the stream ended.</summary>
    public static async Coroutine<byte[]> ReceiveExactly(ByteStream stream, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var n = await stream.ReceiveAsync(buffer.AsMemory(filled));
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return buffer[..filled];
    }

    /// <summary>Receives until end of stream.</summary>
    public static async Coroutine<byte[]> ReceiveToEnd(ByteStream stream)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReceiveAsync(buffer);
            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(buffer, 0, n);
        }
    }

    /// <summary>Awaits <paramref name="future"/> and returns what it failed with (null if it succeeded).</summary>
    public static async Coroutine<Exception?> Failure(Future future)
    {
        try
        {
            await future;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Awaits a cold operation and returns what it failed with (null if it succeeded).</summary>
    public static Coroutine<Exception?> Failure(Coroutine operation) => Failure(EventLoop.Current.CreateTask(operation));

    public static Coroutine<Exception?> Failure<T>(Coroutine<T> operation) => Failure(EventLoop.Current.CreateTask(operation));

    public static byte[] Pattern(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A blocking TCP socket on another thread's side of the test (not on any loop).</summary>
    public static Socket PlainClient(EndPoint remote)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(remote);
        return socket;
    }
}
