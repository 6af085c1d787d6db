// Sample bug 2: a server reads a length-prefixed message (4 bytes of big-endian length, then the
// payload) with one receive for the length and one for the payload. On loopback every message
// arrives whole and it works; when the network delivers a message in two pieces, the server reads
// a wrong length or a short payload. Fixed: read exactly 4 bytes, then exactly the payload
// (ByteStreamReader.ReadExactlyAsync), however the bytes arrive.
using System.Buffers.Binary;
using System.Text;

namespace Coop.Tests.Simulation.Samples;

internal static class SplitLengthPrefix
{
    /// <summary>The test: three messages echoed through a network that sometimes splits a message.</summary>
    public static async Coroutine Echoes(Testing.Simulation simulation, bool fixedVersion)
    {
        simulation.Faults.Split = 0.2;
        simulation.AddHost("echo", () => Network.ServeTcpAsync(fixedVersion ? EchoFixedAsync : EchoBuggyAsync, 7));
        await using var connection = await Network.OpenTcpStreamAsync("echo", 7);
        var reader = new ByteStreamReader(connection);
        foreach (var message in new[] { "hello", "length-prefixed", "world" })
        {
            await SendAsync(connection, Encoding.ASCII.GetBytes(message));
            var echo = await CancelScope.FailAfter(5, _ => ReceiveAsync(reader));
            if (echo != message)
            {
                throw new InvalidOperationException($"Sent \"{message}\", the server echoed \"{echo}\".");
            }
        }
    }

    /// <summary>The bug: one receive per field, as if each arrived whole.</summary>
    private static async Coroutine EchoBuggyAsync(SocketStream connection)
    {
        var header = new byte[4];
        try
        {
            while (await connection.ReceiveAsync(header) > 0)
            {
                var payload = new byte[Length(header)];
                await connection.ReceiveAsync(payload);
                await SendAsync(connection, payload);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The fix: read exactly the bytes each field has, however they arrive.</summary>
    private static async Coroutine EchoFixedAsync(SocketStream connection)
    {
        var reader = new ByteStreamReader(connection);
        try
        {
            var header = new byte[4];
            while (await reader.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false) == 4)
            {
                var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
                await reader.ReadExactlyAsync(payload);
                await SendAsync(connection, payload);
            }
        }
        catch (IOException)
        {
        }
    }

    private static Coroutine SendAsync(ByteStream stream, byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return stream.SendAllAsync(frame);
    }

    private static async Coroutine<string> ReceiveAsync(ByteStreamReader reader)
    {
        var header = new byte[4];
        await reader.ReadExactlyAsync(header);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await reader.ReadExactlyAsync(payload);
        return Encoding.ASCII.GetString(payload);
    }

    // A length no message has means the reads are out of step with the frames: stop before allocating it.
    private static int Length(byte[] header)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        return length is >= 0 and <= 4096 ? length : throw new InvalidDataException($"A frame of {length} bytes: the reads are out of step with the frames.");
    }
}
