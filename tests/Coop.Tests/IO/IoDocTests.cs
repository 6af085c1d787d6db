using System.Net;

namespace Coop.Tests.IO;

/// <summary>docs/io.md's first example, as written there.</summary>
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
}
