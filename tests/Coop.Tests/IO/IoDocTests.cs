using System.Net;

namespace Coop.Tests.IO;

/// <summary>docs/io.md's examples, as written there.</summary>
[Collection(IoSerial.Name)]
public class IoDocTests
{
    [Fact]
    public void FirstExample_RunsAsDocumented()
    {
        var received = Support.Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal((4, 0), received);

        static async Coroutine<(int, int)> Main()
        {
            var listener = SocketListener.Listen(new IPEndPoint(IPAddress.Loopback, 0));
            var client = await SocketStream.ConnectAsync(listener.LocalEndPoint);
            var server = await listener.AcceptAsync();
            await client.SendAllAsync("ping"u8.ToArray());
            await client.SendEofAsync();                        // half-close: the server reads end of stream
            var buffer = new byte[16];
            var n = await server.ReceiveAsync(buffer);          // 4; the next receive returns 0
            var end = await server.ReceiveAsync(buffer);
            await server.CloseAsync();
            await client.CloseAsync();
            listener.Close();
            return (n, end);
        }
    }

    [Fact]
    public void ClientsAndServersExample_LocalhostReachesTheServerOnLoopbackAndTheServerStops()
    {
        var (reply, closed) = Support.Bounded.Run(() => EventLoop.Run(Main()));
        Assert.Equal("hi", reply);
        Assert.True(closed);

        static async Coroutine<(string, bool)> Main()
        {
            var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1"); // port 0: the system picks
            var port = ((IPEndPoint)listeners[0].LocalEndPoint).Port;         // known before anyone connects
            var reply = "";
            await TaskGroup.Run(async group =>
            {
                group.Start(Network.ServeListenersAsync(NetworkServersTests.Echo, listeners));
                // "localhost" may resolve to ::1 first, where nobody listens: Happy Eyeballs goes on to 127.0.0.1.
                await using var client = await CancelScope.FailAfter(5, _ => Network.OpenTcpStreamAsync("localhost", port));
                await client.SendAllAsync("hi"u8.ToArray());
                reply = System.Text.Encoding.ASCII.GetString(await IoTest.ReceiveExactly(client, 2));
                group.Cancel();                      // stops accepting, cancels the connections, closes the listener
            });
            return (reply, listeners[0].IsClosed);
        }
    }

    [Fact]
    public void GeneratorEchoExample_EchoesEveryByteThenClosesGracefully()
    {
        var data = IoTest.Pattern(1024 * 1024);
        var back = Support.Bounded.Run(() => EventLoop.Run(EchoThrough(data)));
        Assert.Equal(data, back);
    }

    /// <summary>Sends <paramref name="data"/> through <see cref="GeneratorEcho"/> on a loopback pair,
    /// then end of stream, and receives until the echo closes.</summary>
    internal static async Coroutine<byte[]> EchoThrough(byte[] data)
    {
        var (client, server) = await IoTest.ConnectedPair();
        var echo = EventLoop.Current.CreateTask(GeneratorEcho(server));
        var receiving = EventLoop.Current.CreateTask(IoTest.ReceiveToEnd(client)); // ends at the echo's close
        await client.SendAllAsync(data);
        await client.SendEofAsync();
        var got = await receiving;
        await echo;
        Assert.True(server.IsClosed);
        await client.CloseAsync();
        return got;
    }

    /// <summary>docs/io.md's generator echo, as written there.</summary>
    internal static IEnumerable<object?> GeneratorEcho(SocketStream stream)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                if (!stream.TryReceive(buffer, out var n))
                {
                    yield return stream.WaitReadableAsync();   // cancel-safe: nothing was taken
                    continue;
                }

                if (n == 0)
                {
                    break;                                     // end of stream
                }

                var rest = buffer.AsMemory(0, n);
                while (rest.Length > 0)
                {
                    if (stream.TrySend(rest.Span, out var sent))
                    {
                        rest = rest[sent..];
                    }
                    else
                    {
                        yield return stream.WaitWritableAsync();
                    }
                }
            }

            yield return EventLoop.Current.CreateTask(stream.CloseAsync()); // a task is a Future: wait for the close
        }
        finally
        {
            stream.Abort();  // failed or canceled part-way: reset the peer; after the close it does nothing
        }
    }
}
