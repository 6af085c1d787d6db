using Coop.Tests.Support;

namespace Coop.Tests.Streams;

/// <summary>Shared bits of the stream tests: run on a bounded loop with a virtual clock (a test that
/// would hang deadlocks instead, and says where), let the loop turn, move bytes around.</summary>
internal static class StreamTest
{
    public static void Run(Func<Coroutine> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    public static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    public static async Coroutine Ticks(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await Coroutine.Yield();
        }
    }

#pragma warning disable CS1998 // a coroutine that is done as soon as it runs
    /// <summary>A coroutine that returns <paramref name="value"/> without waiting.</summary>
    public static async Coroutine<T> Ready<T>(T value) => value;
#pragma warning restore CS1998

    /// <summary>Bytes 0, 1, 2, ... (mod 251, so that a shifted or repeated block shows).</summary>
    public static byte[] Pattern(int length, int offset = 0)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i + offset) % 251);
        }

        return bytes;
    }

    public static byte[] Bytes(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.ASCII.GetString(bytes.Span);

    /// <summary>Receives until end of stream, in receives of at most <paramref name="chunk"/> bytes.</summary>
    public static async Coroutine<byte[]> ReceiveToEnd(ByteStream stream, int chunk = 4096)
    {
        var all = new List<byte>();
        var buffer = new byte[chunk];
        while (true)
        {
            var n = await stream.ReceiveAsync(buffer);
            if (n == 0)
            {
                return all.ToArray();
            }

            all.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>Sends <paramref name="data"/> in pieces of <paramref name="piece"/> bytes with a
    /// yield between them, then EOF.</summary>
    public static async Coroutine SendInPieces(ByteStream stream, byte[] data, int piece)
    {
        for (var at = 0; at < data.Length; at += piece)
        {
            await stream.SendAllAsync(data.AsMemory(at, Math.Min(piece, data.Length - at)));
            await Coroutine.Yield();
        }

        await stream.SendEofAsync();
    }

    /// <summary>Sends <paramref name="data"/>, then EOF.</summary>
    public static async Coroutine SendThenEof(ByteStream stream, byte[] data)
    {
        await stream.SendAllAsync(data);
        await stream.SendEofAsync();
    }

    /// <summary>A coroutine that awaits <paramref name="future"/>.</summary>
    public static async Coroutine<T> Wait<T>(Future<T> future) => await future;

    /// <summary>Awaits a task that may end canceled; true if it was.</summary>
    public static async Coroutine<bool> Canceled(CoopTask task)
    {
        try
        {
            await task;
            return false;
        }
        catch (CanceledException)
        {
            return true;
        }
    }

    /// <summary>Awaits <paramref name="operation"/> and returns the exception it throws (null if none).</summary>
    public static async Coroutine<Exception?> Failure(Coroutine operation)
    {
        try
        {
            await operation;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    public static async Coroutine<Exception?> Failure<T>(Coroutine<T> operation)
    {
        try
        {
            await operation;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
