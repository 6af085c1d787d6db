// `coop demo echo`: a structured TCP echo server on loopback and a few clients, in one loop. The
// server is Network.ServeListenersAsync in a task group; the clients connect with
// Network.OpenTcpStreamAsync, send lines and read each echo back through a ByteStreamReader. When
// the clients are done the group is canceled, which stops accepting and closes the listener. The
// whole demo runs under a deadline so that it always ends (docs/io.md, "Clients and servers").
using System.Net;
using System.Text;

namespace Coop.Cli.Demos;

/// <summary>An echo server and three clients on loopback, printing what they exchanged.</summary>
internal sealed class EchoDemo : Demo
{
    public const int Clients = 3;

    public const int LinesPerClient = 2;

    public override string Name => "echo";

    public override string Summary => "a TCP echo server and three clients on loopback: what they exchanged (docs/io.md)";

    public override int Order => 210;

    public override int Run(DemoContext context)
    {
        EventLoop.Run(CancelScope.FailAfter(10, _ => Show(context.Out)));
        return 0;
    }

    private static async Coroutine Show(TextWriter output)
    {
        var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
        var port = ((IPEndPoint)listeners[0].LocalEndPoint).Port;
        output.WriteLine($"server: listening on {listeners[0].LocalEndPoint} (port 0: the system chose {port})");
        await TaskGroup.Run(async group =>
        {
            group.Start(Network.ServeListenersAsync(stream => Echo(output, stream), listeners), "server");
            await TaskGroup.Run(async clients =>
            {
                for (var i = 1; i <= Clients; i++)
                {
                    clients.Start(Client(output, i, port), $"client {i}");
                }
            });
            output.WriteLine("clients done: canceling the server (stops accepting, closes the listener)");
            group.Cancel();
        });
        output.WriteLine($"server stopped; listener closed: {listeners[0].IsClosed}");
    }

    /// <summary>The server's handler: every byte back, until the client half-closes.</summary>
    private static async Coroutine Echo(TextWriter output, SocketStream stream)
    {
        var buffer = new byte[4096];
        var total = 0;
        int n;
        while ((n = await stream.ReceiveAsync(buffer)) > 0)
        {
            await stream.SendAllAsync(buffer.AsMemory(0, n)); // returns when the kernel took every byte
            total += n;
        }

        output.WriteLine($"server: {stream.RemoteEndPoint} closed its side after {total} bytes; closing ours");
    }

    private static async Coroutine Client(TextWriter output, int number, int port)
    {
        await using var stream = await Network.OpenTcpStreamAsync("127.0.0.1", port);
        var reader = new ByteStreamReader(stream);
        for (var line = 1; line <= LinesPerClient; line++)
        {
            var text = $"hello #{line} from client {number}";
            await stream.SendAllAsync(Encoding.UTF8.GetBytes(text + "\n"));
            var echo = Encoding.UTF8.GetString(await reader.ReadLineAsync()).TrimEnd('\n');
            output.WriteLine($"client {number}: sent \"{text}\", got back \"{echo}\"");
        }

        await stream.SendEofAsync(); // half-close: the server's receive returns 0
        var rest = await reader.ReceiveAsync(new byte[1]);
        output.WriteLine($"client {number}: the server closed too (receive returned {rest})");
    }
}
