// Serving on a group: every loop calls ServeTcpAsync with the same arguments (the same entry on each
// loop), and the group's connections are spread over the loops, either by the kernel (SO_REUSEPORT:
// one listener per loop on the same port) or by loop 0 handing connections on (ConnectionHandOff,
// DistributingListener).
// Either way each connection is served on one loop only, by Network.ServeListenersAsync, so what a
// handler does and how the server ends is the single-loop server's.
using System.Net;
using Coop.Loops;

namespace Coop;

public sealed partial class LoopShard
{
    /// <summary>Serves TCP connections on <paramref name="port"/> with <paramref name="handler"/>,
    /// this loop's share of the group's connections, until canceled. Every loop of the group must
    /// call it with the same arguments (start the group with one entry that does).</summary>
    /// <param name="handler">What to do with one connection, on this loop (see <see cref="Network.ServeListenersAsync"/>).</param>
    /// <param name="port">The port, 1 to 65535 (every loop listens on the same one).</param>
    /// <param name="host">An address or name to listen on, or null for all addresses.</param>
    /// <param name="options">Options for the listeners and every connection.</param>
    /// <param name="spreading">How connections are spread over the loops; see <see cref="ConnectionSpreading"/>.</param>
    /// <param name="backlog">How many connections the kernel queues per listener before they are accepted.</param>
    /// <exception cref="PlatformNotSupportedException"><see cref="ConnectionSpreading.ReusePort"/> off Linux.</exception>
    /// <exception cref="InvalidOperationException">Not called on this shard's loop.</exception>
    public Coroutine ServeTcpAsync(Func<SocketStream, Coroutine> handler, int port, string? host = null, SocketOptions? options = null, ConnectionSpreading spreading = ConnectionSpreading.Automatic, int backlog = 128)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1, "port 0 would give each loop a different free port: pick the port first");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        if (EventLoop.CurrentOrNull != Loop)
        {
            throw new InvalidOperationException($"{Name}'s ServeTcpAsync must be called from a coroutine on {Name}.");
        }

        var validated = (options ?? SocketOptions.Default).Validated();
        var reusePort = spreading == ConnectionSpreading.ReusePort || (spreading == ConnectionSpreading.Automatic && OperatingSystem.IsLinux());
        return reusePort
            ? ServeReusingPort(handler, port, host, validated.WithReusePort().Validated(), backlog)
            : ServeHandedOff(handler, port, host, validated, backlog);
    }

    private static async Coroutine ServeReusingPort(Func<SocketStream, Coroutine> handler, int port, string? host, SocketOptions options, int backlog) =>
        await Network.ServeListenersAsync(handler, await Network.OpenTcpListenersAsync(port, host, options, backlog));

    private async Coroutine ServeHandedOff(Func<SocketStream, Coroutine> handler, int port, string? host, SocketOptions options, int backlog)
    {
        var handOff = Group.HandOffFor(port, host);
        if (Index != 0)
        {
            var endPoint = new IPEndPoint(IPAddress.Any, port);
            await Network.ServeListenersAsync(handler, [new HandedOffListener(handOff.ReceiverFor(Index), endPoint, options, Name)]);
            return;
        }

        var listeners = await Network.OpenTcpListenersAsync(port, host, options, backlog);
        await Network.ServeListenersAsync(handler, listeners.Select(l => (SocketListener)new DistributingListener(l, handOff, options)).ToArray());
    }
}
