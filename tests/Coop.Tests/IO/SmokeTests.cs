namespace Coop.Tests.IO;

public class SmokeTests
{
    [Theory]
    [InlineData(PollerKind.Epoll)]
    [InlineData(PollerKind.Portable)]
    public void Echo(PollerKind poller)
    {
        var got = IoTest.Run(poller, async () =>
        {
            var (client, server) = await IoTest.ConnectedPair();
            await client.SendAllAsync("hello"u8.ToArray());
            var buf = await IoTest.ReceiveExactly(server, 5);
            await server.SendAllAsync(buf);
            var back = await IoTest.ReceiveExactly(client, 5);
            await client.CloseAsync();
            var eof = await server.ReceiveAsync(new byte[10]);
            await server.CloseAsync();
            return System.Text.Encoding.ASCII.GetString(back) + eof;
        });
        Assert.Equal("hello0", got);
    }
}
