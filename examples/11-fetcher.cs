#:project ../src/Coop/Coop.csproj
// 11: a concurrent fetcher. Eight fetches run in one task group, at most three at a time (a
// CoopSemaphore), each bounded by its own 2 s timeout (CancelScope.FailAfter: no timeout parameter on any
// network call). The server they fetch from is local and made slow on purpose: "/slow" answers after
// 10 s, so those fetches time out while the others go on. A timeout leaves nothing open: the canceled
// fetch's connection is closed by its `await using`.
// Run: dotnet run examples/11-fetcher.cs
using System.Diagnostics;
using System.Net;
using System.Text;
using Coop;

EventLoop.Run(Main());

static async Coroutine Main()
{
    var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
    var port = ((IPEndPoint)listeners[0].LocalEndPoint).Port;
    string[] paths = ["/a", "/b", "/slow", "/c", "/d", "/slow", "/e", "/f"];
    var limit = new CoopSemaphore(3);
    var clock = Stopwatch.StartNew();
    await TaskGroup.Run(async group =>
    {
        group.Start(Network.ServeListenersAsync(SlowServer, listeners), "server");
        await TaskGroup.Run(async fetches =>
        {
            foreach (var path in paths)
            {
                fetches.Start(FetchOne(limit, port, path, clock), path);
            }
        });
        group.Cancel(); // every fetch is done: stop the server
    });
}

static async Coroutine FetchOne(CoopSemaphore limit, int port, string path, Stopwatch clock)
{
    using var slot = await limit.AcquireAsync(); // at most three fetches at a time
    try
    {
        var body = await CancelScope.FailAfter(2, _ => Fetch(port, path));
        Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F2} s  {path,-6} {body}");
    }
    catch (TimeoutException)
    {
        Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F2} s  {path,-6} timed out after 2 s");
    }
}

// One request on its own connection: the first line, the body after the empty line.
static async Coroutine<string> Fetch(int port, string path)
{
    await using var stream = await Network.OpenTcpStreamAsync("127.0.0.1", port);
    await stream.SendAllAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    var reader = new ByteStreamReader(stream);
    var status = Encoding.ASCII.GetString(await reader.ReadLineAsync()).TrimEnd();
    await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray());
    var body = new MemoryStream();
    var buffer = new byte[1024];
    int n;
    while ((n = await reader.ReceiveAsync(buffer)) > 0)
    {
        body.Write(buffer, 0, n);
    }

    return $"{status}: {Encoding.ASCII.GetString(body.ToArray())}";
}

// Answers one request per connection; "/slow" takes 10 s.
static async Coroutine SlowServer(SocketStream stream)
{
    var reader = new ByteStreamReader(stream);
    var request = Encoding.ASCII.GetString(await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray(), limit: 8192));
    var path = request.Split(' ')[1];
    if (path == "/slow")
    {
        await Coroutine.Sleep(10); // longer than any fetch waits: canceled with the server
    }

    var body = $"hello from {path}";
    await stream.SendAllAsync(Encoding.ASCII.GetBytes(
        $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
}
