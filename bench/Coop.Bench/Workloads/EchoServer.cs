// W6 (echo) of ../shared/bench-peers/WORKLOADS.md: every byte back on the same connection, until the
// peer closes (BenchServer runs the server; --kind async or generator, as it describes).
using System.Net.Sockets;

namespace Coop.Bench.Workloads;

internal static class EchoServer
{
    public static int Run(Options o) => BenchServer.Run(o, Echo, EchoGenerator);

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
        catch (IOException) // the load client reset the connection as it ended
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
