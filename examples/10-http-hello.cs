#:project ../src/Coop/Coop.csproj
// 10: a keep-alive HTTP/1.1 "Hello, World!" server: enough HTTP for wrk, not a framework. Each
// connection reads requests with a ByteStreamReader (up to the empty line that ends the headers,
// with a limit so that a peer sending garbage cannot make it buffer without end) and answers each in
// order on the same connection.
// Run: dotnet run examples/10-http-hello.cs               (serves itself three requests, then stops)
//      dotnet run examples/10-http-hello.cs 8080 30       (serves port 8080 for 30 s, e.g. for
//      wrk -t1 -c100 -d10s http://127.0.0.1:8080/)
using System.Globalization;
using System.Net;
using System.Text;
using Coop;

var port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
EventLoop.Run(Main(port, seconds));

static async Coroutine Main(int port, double seconds)
{
    var listeners = await Network.OpenTcpListenersAsync(port, "127.0.0.1");
    var endpoint = (IPEndPoint)listeners[0].LocalEndPoint;
    Console.WriteLine($"serving http://{endpoint}/ for at most {seconds} s");
    await CancelScope.MoveOnAfter(seconds, async scope =>
    {
        await TaskGroup.Run(async group =>
        {
            group.Start(Network.ServeListenersAsync(Serve, listeners), "server");
            if (port == 0)
            {
                await SelfTest(endpoint.Port); // no port given: be our own client, then stop
                scope.Cancel();
            }
        });
    });
    Console.WriteLine("server stopped");
}

static async Coroutine Serve(SocketStream stream)
{
    var reader = new ByteStreamReader(stream);
    var response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!");
    while (true)
    {
        try
        {
            await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray(), limit: 8192);
        }
        catch (IncompleteReadException)
        {
            return; // the client closed between requests (or in the middle of one)
        }
        catch (ReadLimitExceededException)
        {
            await stream.SendAllAsync("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            return;
        }

        await stream.SendAllAsync(response);
    }
}

// Three requests on one keep-alive connection, each answer read up to its 13-byte body.
static async Coroutine SelfTest(int port)
{
    await using var stream = await Network.OpenTcpStreamAsync("127.0.0.1", port);
    var reader = new ByteStreamReader(stream);
    for (var i = 1; i <= 3; i++)
    {
        await stream.SendAllAsync(Encoding.ASCII.GetBytes($"GET /{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        var head = Encoding.ASCII.GetString(await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray()));
        var body = new byte[13];
        await reader.ReadExactlyAsync(body);
        Console.WriteLine($"request {i}: {head.Split("\r\n")[0]}, body \"{Encoding.ASCII.GetString(body)}\"");
    }

    await stream.SendEofAsync();
}
