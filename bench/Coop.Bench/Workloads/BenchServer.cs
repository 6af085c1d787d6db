// The server side of W6 and W7 (../shared/bench-peers/WORKLOADS.md, "Servers"): listen on
// 127.0.0.1:P, print the "listening" line once accepting, run one task per connection, and stop on
// SIGTERM/SIGINT or after --max-seconds. The harness drives the server with its fixed load client and
// measures it from outside, so there is no timed region here.
//   --kind async:     each connection is an async coroutine over a SocketStream;
//   --kind generator: each connection is a generator over the same SocketStream, calling its
//                     non-waiting TryReceive/TrySend and yielding its WaitReadable/WritableAsync;
//   --level 1:        epoll level-triggered instead of edges, for docs/design.md's comparison;
//   --loops N:        N > 1 serves on a LoopGroup of N loops (GroupBenchServer.cs), each with its own
//                     SO_REUSEPORT listener on the port and this accept loop; 1 is this file's loop.
using System.Net;
using System.Runtime.InteropServices;

namespace Coop.Bench.Workloads;

internal static class BenchServer
{
    public static int Run(
        Options o, Func<SocketStream, Coroutine> connection, Func<EventLoop, SocketStream, IEnumerable<object?>> generatorConnection)
    {
        if (o.Int("loops", 1) is var loops and > 1)
        {
            return GroupBenchServer.Run(o, loops, connection, generatorConnection);
        }

        var port = o.Int("port", 0);
        var maxSeconds = o.Int("max_seconds", 120);
        var generator = o.Kind == "generator";
        var impl = generator ? "coop (generator)" : "coop (async)";
        using var loop = new EventLoop();
        loop.EdgeTriggered = !o.Flag("level");
        loop.ExceptionHandler = (_, _) => { }; // connections cut by the load client's end are not news
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        loop.CallLater(maxSeconds, loop.Stop);
        loop.CreateTask(Main());
        loop.RunForever();
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            loop.CallSoonThreadsafe(loop.Stop);
        }

        async Coroutine Main()
        {
            var listener = SocketListener.Listen(new IPEndPoint(IPAddress.Loopback, port), backlog: 1024);
            Console.WriteLine($"{{\"workload\":\"{o.Workload}\",\"impl\":\"{impl}\",\"listening\":\"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint).Port}\"}}");
            Console.Out.Flush();
            await Accept(loop, listener, generator, connection, generatorConnection);
        }
    }

    /// <summary>The accept loop: one task per connection, until canceled.</summary>
    internal static async Coroutine Accept(
        EventLoop loop, SocketListener listener, bool generator,
        Func<SocketStream, Coroutine> connection, Func<EventLoop, SocketStream, IEnumerable<object?>> generatorConnection)
    {
        while (true)
        {
            var stream = await listener.AcceptAsync(); // TCP_NODELAY is on by default (SocketOptions)
            if (generator)
            {
                _ = loop.CreateTask(generatorConnection(loop, stream));
            }
            else
            {
                _ = loop.CreateTask(connection(stream));
            }
        }
    }
}
