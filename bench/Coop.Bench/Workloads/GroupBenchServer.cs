// W6 and W7 on a LoopGroup (`--loops N`, N > 1): every loop opens its own listener on 127.0.0.1:P
// with SO_REUSEPORT, so the kernel spreads the load client's connections over the loops (by a hash
// of the addresses, not by load), and runs BenchServer's accept loop on it: each connection is served
// on the loop that accepted it, by the same code as on one loop. With `--port 0`, loop 0 binds first
// and the others take the port it got. The "listening" line comes once every loop listens.
using System.Net;
using System.Runtime.InteropServices;

namespace Coop.Bench.Workloads;

internal static class GroupBenchServer
{
    public static int Run(
        Options o, int loops, Func<SocketStream, Coroutine> connection, Func<EventLoop, SocketStream, IEnumerable<object?>> generatorConnection)
    {
        var maxSeconds = o.Int("max_seconds", 120);
        var generator = o.Kind == "generator";
        var impl = $"coop ({(generator ? "generator" : "async")}, {loops} loops)";
        var portChosen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var notListening = loops;
        using var group = new LoopGroup(new LoopGroupOptions { LoopCount = loops, Name = "server" });
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        group.Start(Serve);
        if (!group.Wait(TimeSpan.FromSeconds(maxSeconds)))
        {
            group.Shutdown(TimeSpan.FromSeconds(10));
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            group.RequestStop();
        }

        async Coroutine Serve(LoopShard shard)
        {
            var loop = shard.Loop;
            loop.EdgeTriggered = !o.Flag("level");
            loop.ExceptionHandler = (_, _) => { }; // connections cut by the load client's end are not news
            var port = shard.Index == 0 ? o.Int("port", 0) : await Coroutine.FromTask(portChosen.Task);
            var listener = SocketListener.Listen(new IPEndPoint(IPAddress.Loopback, port), backlog: 1024, new SocketOptions { ReusePort = true });
            port = ((IPEndPoint)listener.LocalEndPoint).Port;
            portChosen.TrySetResult(port);
            if (Interlocked.Decrement(ref notListening) == 0)
            {
                Console.WriteLine($"{{\"workload\":\"{o.Workload}\",\"impl\":\"{impl}\",\"listening\":\"127.0.0.1:{port}\"}}");
                Console.Out.Flush();
            }

            await BenchServer.Accept(loop, listener, generator, connection, generatorConnection);
        }
    }
}
