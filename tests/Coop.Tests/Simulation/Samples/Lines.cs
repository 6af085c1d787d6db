// The line protocol the sample servers speak: one ASCII line per request and per answer. Shared by
// the samples so that each file holds only its bug and its fix.
using System.Text;

namespace Coop.Tests.Simulation.Samples;

internal static class Lines
{
    /// <summary>The next line without its '\n', or null at the end of the stream.</summary>
    public static async Coroutine<string?> ReadAsync(ByteStreamReader reader)
    {
        var line = await reader.ReadLineAsync();
        return line.Length == 0 ? null : Encoding.ASCII.GetString(line).TrimEnd('\n');
    }

    public static Coroutine SendAsync(ByteStream stream, string line) => stream.SendAllAsync(Encoding.ASCII.GetBytes(line + "\n"));

    /// <summary>One request, one answer, on a new connection to <paramref name="host"/>.</summary>
    public static async Coroutine<string> AskAsync(string host, int port, string request)
    {
        await using var connection = await Network.OpenTcpStreamAsync(host, port);
        await SendAsync(connection, request);
        return await ReadAsync(new ByteStreamReader(connection)) ?? throw new IOException($"'{host}' closed the connection without answering.");
    }
}
