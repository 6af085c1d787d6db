using System.Net;
using Coop.Tests.Streams;

namespace Coop.Tests.Simulation;

/// <summary>The ByteStream contract over a simulated TCP connection between two ends of one host,
/// with no latency: each send arrives on the loop's next iteration, as over loopback.</summary>
public class SimulatedStreamContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect() => SimulatedPair.Connect(network => network.Latency = TimeSpan.Zero);
}

/// <summary>The ByteStream contract over a slow, narrow link between two hosts: 30 ms each way, 1 MB/s,
/// a 1,500-byte window, so every transfer waits for the window and the wire.</summary>
public class SlowSimulatedStreamContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect() => SimulatedPair.Connect(network =>
    {
        network.Latency = TimeSpan.FromMilliseconds(30);
        network.Bandwidth = 1_000_000;
        network.BufferSize = 1500;
    });
}

/// <summary>Makes two connected simulated streams on the running loop.</summary>
internal static class SimulatedPair
{
    public static async Coroutine<(ByteStream A, ByteStream B)> Connect(Action<NetworkConditions> conditions)
    {
        var loop = EventLoop.Current;
        var simulation = Testing.Simulation.Of(loop) ?? Testing.Simulation.Attach(loop);
        conditions(simulation.Network);
        var listener = simulation.Listen(new IPEndPoint(IPAddress.Any, 0), backlog: 16);
        var connecting = loop.CreateTask(simulation.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndPoint).Port)));
        var server = await listener.AcceptAsync();
        var client = await connecting;
        listener.Close();
        return (client, server);
    }
}
