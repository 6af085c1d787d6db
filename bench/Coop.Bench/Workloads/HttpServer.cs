// W7 (http) of ../shared/bench-peers/WORKLOADS.md: a minimal HTTP/1.1 keep-alive server. .NET has no
// HTTP server in its base library that runs on Coop's loop, so this is the hand-written parser the
// workload allows: a request ends at its empty line ("\r\n\r\n"; the load sends no bodies), and every
// complete request in what arrived is answered, in order, with one send (a pipelining client gets
// its answers together). BenchServer runs the server (--kind async or generator).
using System.Text;

namespace Coop.Bench.Workloads;

internal static class HttpServer
{
    private const int BufferSize = 16384;

    private static readonly byte[] Response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!");

    public static int Run(Options o) => BenchServer.Run(o, Serve, ServeGenerator);

    private static async Coroutine Serve(SocketStream stream)
    {
        var requests = new RequestBuffer();
        try
        {
            while (true)
            {
                var n = await stream.ReceiveAsync(requests.Free);
                if (n == 0 || !requests.Received(n, out var answers))
                {
                    break;
                }

                if (answers.Length > 0)
                {
                    await stream.SendAllAsync(answers);
                }
            }
        }
        catch (IOException)
        {
        }
        finally
        {
            await stream.CloseAsync();
        }
    }

    private static IEnumerable<object?> ServeGenerator(EventLoop loop, SocketStream stream)
    {
        var requests = new RequestBuffer();
        try
        {
            while (true)
            {
                if (!stream.TryReceive(requests.Free.Span, out var n))
                {
                    yield return stream.WaitReadableAsync();
                    continue;
                }

                if (n == 0 || !requests.Received(n, out var answers))
                {
                    break;
                }

                while (answers.Length > 0)
                {
                    if (stream.TrySend(answers.Span, out var sent))
                    {
                        answers = answers[sent..];
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

    /// <summary>What arrived on one connection and not yet answered, and the answers to send.</summary>
    private sealed class RequestBuffer
    {
        private readonly byte[] _in = new byte[BufferSize];
        private byte[] _out = new byte[Response.Length * 4];
        private int _filled;

        public Memory<byte> Free => _in.AsMemory(_filled);

        /// <summary>Takes <paramref name="count"/> new bytes; <paramref name="answers"/> holds one
        /// response per request they completed. False when a request does not fit the buffer.</summary>
        public bool Received(int count, out ReadOnlyMemory<byte> answers)
        {
            _filled += count;
            var complete = 0;
            var consumed = 0;
            int end;
            while ((end = _in.AsSpan(consumed, _filled - consumed).IndexOf("\r\n\r\n"u8)) >= 0)
            {
                consumed += end + 4;
                complete++;
            }

            if (consumed > 0)
            {
                _in.AsSpan(consumed, _filled - consumed).CopyTo(_in);
                _filled -= consumed;
            }

            if (complete * Response.Length > _out.Length)
            {
                _out = new byte[complete * Response.Length];
            }

            for (var i = 0; i < complete; i++)
            {
                Response.CopyTo(_out, i * Response.Length);
            }

            answers = _out.AsMemory(0, complete * Response.Length);
            return _filled < _in.Length;
        }
    }
}
