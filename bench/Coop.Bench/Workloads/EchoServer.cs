// W6 (echo) of ../shared/bench-peers/WORKLOADS.md: every byte back on the same connection, until the
// peer closes (BenchServer runs the server; --kind async or generator, as it describes).
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

    // The generator's way onto the same direct calls: try, and on "not now" yield the stream's wait.
    // A reset by the load client ends the task with the IOException, which the server's loop ignores.
    private static IEnumerable<object?> EchoGenerator(EventLoop loop, SocketStream stream)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                if (!stream.TryReceive(buffer, out var n))
                {
                    yield return stream.WaitReadableAsync();
                    continue;
                }

                if (n == 0)
                {
                    break;
                }

                var data = buffer.AsMemory(0, n);
                while (data.Length > 0)
                {
                    if (stream.TrySend(data.Span, out var sent))
                    {
                        data = data[sent..];
                    }
                    else
                    {
                        yield return stream.WaitWritableAsync();
                    }
                }
            }
        }
        finally
        {
            stream.Abort();
        }
    }
}
