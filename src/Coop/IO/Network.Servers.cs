// The high-level server calls (Trio's open_tcp_listeners, serve_listeners, serve_tcp), on the loop's
// network: the same code serves real sockets or a simulated network.
// Structured: ServeListenersAsync runs one task group; each listener's accept loop and each connection
// is a child task, so canceling the caller's scope stops accepting, cancels every connection and
// closes the listeners, and nothing outlives the call. The caller learns the bound endpoints by
// opening the listeners first (port 0 included) and then serving them: no callback, no race with a
// client that connects before the bind.
// A connection's handler owns its stream until it returns; the stream is then closed (it is closed
// gracefully if the handler left it open). A handler that throws is reported to the loop's exception
// handler, its connection aborted, and the server serves on (asyncio's start_server, Kestrel; Trio lets
// the error take the whole server down, which makes every peer that sends garbage a way to stop it).
// Accept failures from a lack of resources (EMFILE, ENFILE, ENOBUFS) are reported and the accept loop
// backs off (libuv, Trio: the connection waits in the kernel's queue meanwhile), doubling from 100 ms
// to 1 s, until an accept succeeds again. A connection the peer reset before it was accepted is skipped.
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop;

public static partial class Network
{
    /// <summary>The first back-off after an accept failed for lack of resources.</summary>
    internal static readonly TimeSpan AcceptBackoffFirst = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off after repeated accept failures.</summary>
    internal static readonly TimeSpan AcceptBackoffMax = TimeSpan.FromSeconds(1);

    /// <summary>Opens TCP listeners on <paramref name="port"/> (0 for a free port, which each
    /// listener's <see cref="SocketListener.LocalEndPoint"/> then reports). With
    /// <paramref name="host"/> null, one listener on every address (<c>[::]</c>, which accepts IPv4
    /// too; <c>0.0.0.0</c> where the system has no IPv6); with a name, one listener per address it
    /// resolves to, all on the same port (also with port 0).</summary>
    /// <param name="port">The port, 0 to 65535.</param>
    /// <param name="host">An address or a name to listen on ("127.0.0.1", "localhost"), or null for all.</param>
    /// <param name="options">Options for the listeners and for every connection they accept.</param>
    /// <param name="backlog">How many connections the kernel queues before they are accepted.</param>
    /// <returns>The listeners, to serve with <see cref="ServeListenersAsync"/>.</returns>
    /// <exception cref="SocketException">The port is taken (AddressAlreadyInUse), or the name does
    /// not resolve (HostNotFound).</exception>
    public static Coroutine<IReadOnlyList<SocketListener>> OpenTcpListenersAsync(int port, string? host = null, SocketOptions? options = null, int backlog = 128)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfNegative(backlog);
        if (host != null)
        {
            CheckHost(host);
        }

        return OpenTcpListeners(port, host, (options ?? SocketOptions.Default).Validated(), backlog);
    }

    /// <summary>Opens a Unix domain socket listener at <paramref name="path"/> (or an abstract name,
    /// starting with <c>'\0'</c>, on Linux). See <see cref="SocketListener.Listen"/> for a path left
    /// by a server that died.</summary>
    public static SocketListener OpenUnixListener(string path, SocketOptions? options = null, int backlog = 128)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SocketListener.Listen(new UnixDomainSocketEndPoint(path), backlog, options);
    }

    /// <summary>Serves <paramref name="listeners"/> until canceled: each connection runs
    /// <paramref name="handler"/> in a child task of one task group. Canceling the awaiting task (its
    /// cancel scope) stops accepting, cancels every handler, closes the listeners, and returns when all
    /// have ended. The listeners are closed when it ends, however it ends.</summary>
    /// <param name="handler">What to do with one connection. Its stream is closed when it returns. If it
    /// throws, the error goes to the loop's exception handler, the connection is aborted, and the
    /// server goes on.</param>
    /// <param name="listeners">Listeners to accept from (<see cref="OpenTcpListenersAsync"/>,
    /// <see cref="OpenUnixListener"/>, <see cref="SocketListener.Listen"/>); this call owns them.</param>
    /// <remarks>When the process runs out of file descriptors, accepting fails: the failure is
    /// reported to the loop's exception handler, and the listener waits (100 ms, doubling to 1 s)
    /// before it tries again, while the connection waits in the kernel's queue.</remarks>
    public static Coroutine ServeListenersAsync(Func<SocketStream, Coroutine> handler, IReadOnlyList<SocketListener> listeners)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(listeners);
        if (listeners.Count == 0 || listeners.Any(l => l == null))
        {
            throw new ArgumentException("ServeListenersAsync needs at least one listener, and no null.", nameof(listeners));
        }

        return Serve(handler, listeners);
    }

    /// <summary>Listens on <paramref name="port"/> and serves each connection with
    /// <paramref name="handler"/> until canceled: <see cref="OpenTcpListenersAsync"/> then
    /// <see cref="ServeListenersAsync"/>. To learn the port the system picked for port 0, open the
    /// listeners first and serve them.</summary>
    /// <param name="handler">What to do with one connection (see <see cref="ServeListenersAsync"/>).</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="host">An address or a name to listen on, or null for all addresses.</param>
    /// <param name="options">Options for the listeners and for every connection.</param>
    /// <param name="backlog">How many connections the kernel queues before they are accepted.</param>
    public static Coroutine ServeTcpAsync(Func<SocketStream, Coroutine> handler, int port, string? host = null, SocketOptions? options = null, int backlog = 128)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1, "port 0 picks a free port nobody could connect to: open the listeners first (OpenTcpListenersAsync) to learn it, then ServeListenersAsync");
        var opening = OpenTcpListenersAsync(port, host, options, backlog);
        return ServeOpened(handler, opening);
    }

    /// <summary>Listens on the Unix domain socket <paramref name="path"/> (or an abstract name) and
    /// serves each connection with <paramref name="handler"/> until canceled.</summary>
    public static Coroutine ServeUnixAsync(Func<SocketStream, Coroutine> handler, string path, SocketOptions? options = null, int backlog = 128)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(backlog);
        return ServeUnix(handler, path, (options ?? SocketOptions.Default).Validated(), backlog);
    }

    private static async Coroutine ServeUnix(Func<SocketStream, Coroutine> handler, string path, SocketOptions options, int backlog) =>
        await Serve(handler, [OpenUnixListener(path, options, backlog)]);

    private static async Coroutine ServeOpened(Func<SocketStream, Coroutine> handler, Coroutine<IReadOnlyList<SocketListener>> opening) =>
        await Serve(handler, await opening);

    private static async Coroutine<IReadOnlyList<SocketListener>> OpenTcpListeners(int port, string? host, SocketOptions options, int backlog)
    {
        var stack = EventLoop.Current.NetworkStack;
        IPAddress[] addresses = host == null
            ? [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any]
            : (await Resolve(stack, host, AddressFamily.Unspecified)).Distinct().ToArray();
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound, $"{host} has no address to listen on.");
        }

        // With port 0 and several addresses, the first bind picks the port and the others take the
        // same one; if another process holds it on a later address, start over with a new port.
        for (var attempt = 1; ; attempt++)
        {
            var listeners = new List<SocketListener>(addresses.Length);
            try
            {
                foreach (var address in addresses)
                {
                    var chosen = listeners.Count == 0 ? port : ((IPEndPoint)listeners[0].LocalEndPoint).Port;
                    listeners.Add(stack.Listen(new IPEndPoint(address, chosen), backlog, options));
                }

                return listeners;
            }
            catch (SocketException e) when (port == 0 && listeners.Count > 0 && attempt < 5 && e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                listeners.ForEach(l => l.Close());
            }
            catch
            {
                listeners.ForEach(l => l.Close());
                throw;
            }
        }
    }

#pragma warning disable CS1998 // the body only starts the children: the accept loops are the work
    private static async Coroutine Serve(Func<SocketStream, Coroutine> handler, IReadOnlyList<SocketListener> listeners)
    {
        try
        {
            await TaskGroup.Run(async group =>
            {
                foreach (var listener in listeners)
                {
                    group.Start(AcceptLoop(group, listener, handler), $"accept on {listener.LocalEndPoint}");
                }
            });
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Close();
            }
        }
    }
#pragma warning restore CS1998

    private static async Coroutine AcceptLoop(TaskGroup group, SocketListener listener, Func<SocketStream, Coroutine> handler)
    {
        var backoff = AcceptBackoffFirst;
        try
        {
            while (true)
            {
                SocketStream stream;
                try
                {
                    stream = await listener.AcceptAsync();
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
                {
                    continue; // the peer gave up before we accepted: nothing to serve
                }
                catch (SocketException e) when (IsOutOfResources(e.SocketErrorCode))
                {
                    EventLoop.Current.ReportError(new LoopError(
                        $"{listener} could not accept a connection: {e.Message} ({e.SocketErrorCode}). It waits in the kernel's queue; " +
                        $"the server tries again in {backoff.TotalMilliseconds:0} ms. Raise the limit (ulimit -n) or hold fewer connections.",
                        e, CoopTask.Current, null));
                    await Coroutine.Sleep(backoff);
                    backoff = backoff * 2 > AcceptBackoffMax ? AcceptBackoffMax : backoff * 2;
                    continue;
                }

                backoff = AcceptBackoffFirst;
                group.Start(RunHandler(stream, handler));
            }
        }
        finally
        {
            listener.Close();
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A handler's error is reported to the loop's exception handler; the server serves on.")]
    private static async Coroutine RunHandler(SocketStream stream, Func<SocketStream, Coroutine> handler)
    {
        try
        {
            await handler(stream);
        }
        catch (Exception e) when (e is not CanceledException)
        {
            stream.Abort(); // the handler broke off in the middle of its protocol: tell the peer at once
            EventLoop.Current.ReportError(new LoopError(
                $"The handler of the connection from {RemoteOf(stream)} failed; the connection was aborted and the server goes on.",
                e, CoopTask.Current, handler));
        }
        finally
        {
            if (!stream.IsClosed)
            {
                await stream.CloseAsync();
            }
        }
    }

    private static string RemoteOf(SocketStream stream)
    {
        try
        {
            return stream.RemoteEndPoint?.ToString() ?? "an unnamed peer";
        }
        catch (ObjectDisposedException)
        {
            return stream.ToString()!;
        }
    }

    private static bool IsOutOfResources(SocketError error) =>
        error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;
}
