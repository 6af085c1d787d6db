#:project ../src/Coop/Coop.csproj
#:project ../src/Coop.Testing/Coop.Testing.csproj
// 13: the same server, on the real network and on a simulated one. The server reads a length-prefixed
// message with one receive for the length and one for the payload. On loopback each message arrives
// whole and it works; the simulation, whose seed splits messages, finds the run where it breaks,
// shrinks it to the one split that matters, and the fixed server passes every run. Nothing in the
// server or the client changes between the two: the loop is made with a simulation or without one.
// Run: dotnet run examples/13-simulation.cs
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Coop;
using Coop.Testing;

// 1. The real network: a listener on a free loopback port, one client, then the server is stopped.
EventLoop.Run(TaskGroup.Run(async group =>
{
    var listeners = await Network.OpenTcpListenersAsync(0, "127.0.0.1");
    var port = ((IPEndPoint)listeners[0].LocalEndPoint).Port;
    group.Start(Network.ServeListenersAsync(EchoBuggy, listeners), "server");
    await Echoes("127.0.0.1", port);
    Console.WriteLine($"real loopback, port {port}: three messages echoed");
    group.Cancel();
}));

// 2. The simulated network: a host named "echo" runs the same server; one message in five is split.
var result = Explore.SearchSimulation(sim => OnSimulatedNetwork(sim, EchoBuggy), new ExploreOptions { Schedules = 200 });
Console.WriteLine(result.Report());

// 3. The fix reads exactly the bytes each field has, however they arrive.
Console.WriteLine("fixed: " + Explore.SearchSimulation(sim => OnSimulatedNetwork(sim, EchoFixed), new ExploreOptions { Schedules = 200 }).Report());

static async Coroutine OnSimulatedNetwork(Simulation simulation, Func<SocketStream, Coroutine> server)
{
    simulation.Faults.Split = 0.2;
    simulation.AddHost("echo", () => Network.ServeTcpAsync(server, 7));
    await Echoes("echo", 7);
}

// The client: three messages, each echo checked, within 5 s each.
static async Coroutine Echoes(string host, int port)
{
    await using var connection = await Network.OpenTcpStreamAsync(host, port);
    var reader = new ByteStreamReader(connection);
    foreach (var message in new[] { "hello", "length-prefixed", "world" })
    {
        await Send(connection, Encoding.ASCII.GetBytes(message));
        var echo = await CancelScope.FailAfter(5, async _ =>
        {
            var header = new byte[4];
            await reader.ReadExactlyAsync(header);
            var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
            await reader.ReadExactlyAsync(payload);
            return Encoding.ASCII.GetString(payload);
        });
        if (echo != message)
        {
            throw new InvalidOperationException($"Sent \"{message}\", the server echoed \"{echo}\".");
        }
    }
}

// The bug: one receive per field, as if each arrived whole.
static async Coroutine EchoBuggy(SocketStream connection)
{
    var header = new byte[4];
    while (await connection.ReceiveAsync(header) > 0)
    {
        var payload = new byte[Length(header)];
        await connection.ReceiveAsync(payload);
        await Send(connection, payload);
    }
}

static async Coroutine EchoFixed(SocketStream connection)
{
    var reader = new ByteStreamReader(connection);
    var header = new byte[4];
    while (await reader.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false) == 4)
    {
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await reader.ReadExactlyAsync(payload);
        await Send(connection, payload);
    }
}

static Coroutine Send(ByteStream stream, byte[] payload)
{
    var frame = new byte[4 + payload.Length];
    BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
    payload.CopyTo(frame, 4);
    return stream.SendAllAsync(frame);
}

// A length no message has means the reads are out of step with the frames: stop before allocating it.
static int Length(byte[] header)
{
    var length = BinaryPrimitives.ReadInt32BigEndian(header);
    return length is >= 0 and <= 4096 ? length : throw new InvalidDataException($"A frame of {length} bytes: the reads are out of step with the frames.");
}
