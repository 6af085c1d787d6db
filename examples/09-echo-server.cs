#:project ../src/Coop/Coop.csproj
// 09: a TCP echo server. Network.ServeListenersAsync runs each connection as a child task of one task
// group; canceling the scope around it stops accepting, cancels the connections and closes the
// listener. The client here is ordinary blocking .NET code on a worker thread (Coroutine.ToThread),
// as a program in another process would be: the server cannot tell the difference.
// Run: dotnet run examples/09-echo-server.cs
using System.Net;
using System.Net.Sockets;
using System.Text;
using Coop;

EventLoop.Run(Main());

static async Coroutine Main()
{
    // Port 0: the system picks a free port, which the listener reports before anyone can connect.
    var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
    var endpoint = (IPEndPoint)listeners[0].LocalEndPoint;
    Console.WriteLine($"echo server on {endpoint}");

    await TaskGroup.Run(async group =>
    {
        group.Start(Network.ServeListenersAsync(Echo, listeners), "server");
        var replies = await Coroutine.ToThread(() => BlockingClient(endpoint, ["hello", "echo", "bye"]));
        foreach (var reply in replies)
        {
            Console.WriteLine($"client got back: {reply}");
        }

        group.Cancel(); // the server stops: no accept waits, the listener is closed
    });
    Console.WriteLine($"server stopped, listener closed: {listeners[0].IsClosed}");
}

// One connection: every byte back until the peer closes. SendAllAsync returns when the kernel has
// taken every byte, so a client that stops reading makes this task wait (backpressure).
static async Coroutine Echo(SocketStream stream)
{
    Console.WriteLine($"connection from {stream.RemoteEndPoint}");
    var buffer = new byte[4096];
    int n;
    while ((n = await stream.ReceiveAsync(buffer)) > 0)
    {
        await stream.SendAllAsync(buffer.AsMemory(0, n));
    }

    Console.WriteLine("the client closed: the server closes its side too");
}

static List<string> BlockingClient(IPEndPoint server, string[] lines)
{
    using var client = new TcpClient();
    client.Connect(server);
    using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
    using var writer = new StreamWriter(client.GetStream(), Encoding.UTF8) { AutoFlush = true, NewLine = "\n" };
    var replies = new List<string>();
    foreach (var line in lines)
    {
        writer.WriteLine(line);
        replies.Add(reader.ReadLine() ?? "(end of stream)");
    }

    client.Client.Shutdown(SocketShutdown.Send);
    return replies;
}
