// W6 (echo) of ../shared/bench-peers/WORKLOADS.md: a TCP server on 127.0.0.1:P that echoes every byte
// back, one task per connection, until SIGTERM/SIGINT or --max-seconds. The harness drives it with its
// fixed load client and measures the server's CPU per round trip.
//   --kind async:     each connection is an async coroutine over a SocketStream (ReceiveAsync, SendAllAsync);
//   --kind generator: each connection is a generator that calls the socket's non-blocking Receive/Send
//                     itself and yields the loop's readiness future (loop.WaitReadableAsync) on EAGAIN.
//   --level 1:        epoll level-triggered (interest per wait) instead of edges, to compare the two.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Coop.Bench.Workloads;

internal static class EchoServer
{
    public static int Run(Options o)
    {
        var port = o.Int("port", 0);
        var maxSeconds = o.Int("max_seconds", 120);
        var generator = o.Kind == "generator";
        var impl = generator ? "coop (generator)" : "coop (async)";
        using var loop = new EventLoop();
        loop.EdgeTriggered = !o.Flag("level"); // --level 1: level-triggered epoll, for docs/design.md's comparison
        loop.ExceptionHandler = ((_, _) => { }); // connections cut by the load client's end are not news
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
            Console.WriteLine($"{{\"workload\":\"W6\",\"impl\":\"{impl}\",\"listening\":\"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint).Port}\"}}");
            Console.Out.Flush();
            while (true)
            {
                var connection = await listener.AcceptAsync();
                if (generator)
                {
                    _ = loop.CreateTask(EchoGenerator(loop, connection));
                }
                else
                {
                    _ = loop.CreateTask(Echo(connection));
                }
            }
        }
    }

    private static async Coroutine Echo(SocketStream stream)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await stream.ReceiveAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                await stream.SendAllAsync(buffer.AsMemory(0, n));
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            await stream.CloseAsync();
        }
    }

    private static IEnumerable<object?> EchoGenerator(EventLoop loop, SocketStream stream)
    {
        var socket = stream.Socket;
        var buffer = new byte[16384];
        while (true)
        {
            var n = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                yield return loop.WaitReadableAsync(socket);
                continue;
            }

            if (error != SocketError.Success || n == 0)
            {
                break;
            }

            var sent = 0;
            while (sent < n)
            {
                var m = socket.Send(buffer, sent, n - sent, SocketFlags.None, out error);
                if (error == SocketError.WouldBlock)
                {
                    yield return loop.WaitWritableAsync(socket);
                    continue;
                }

                if (error != SocketError.Success)
                {
                    stream.Abort();
                    yield break;
                }

                sent += m;
            }
        }

        stream.Abort();
    }
}
