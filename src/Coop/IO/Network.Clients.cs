// The high-level client calls (Trio's open_tcp_stream, open_unix_socket; .NET's Dns and
// TcpClient.ConnectAsync(host, port)), written once on the loop's network (IO/NetworkStack.cs): the
// same code connects over the operating system's sockets or a simulated network.
// DNS runs off the loop thread (getaddrinfo blocks) and a cancellation ends the wait at once; several
// addresses are raced by Happy Eyeballs (IO/HappyEyeballs.cs). There is no timeout parameter: a
// connect is bounded by the caller's cancel scope (CancelScope.FailAfter), as every wait is.
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop;

/// <summary>TCP and Unix clients and servers, UDP's addresses, and DNS, on the running loop's network
/// (docs/io.md, "Clients and servers").</summary>
/// <remarks>Timeouts come from cancel scopes, never from a parameter:
/// <c>await CancelScope.FailAfter(5, _ => Network.OpenTcpStreamAsync("example.com", 80))</c>.</remarks>
public static partial class Network
{
    /// <summary>The delay between two connection attempts of Happy Eyeballs (RFC 8305's
    /// recommended 250 ms).</summary>
    internal static readonly TimeSpan HappyEyeballsDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Opens a TCP connection to <paramref name="host"/> (a name or an IP literal) on
    /// <paramref name="port"/>. A name is resolved off the loop thread; if it has several addresses,
    /// they are tried by Happy Eyeballs (RFC 8305): the families interleaved, a new attempt every
    /// 250 ms or as soon as the previous one fails, the first connection wins and the others are
    /// closed.</summary>
    /// <param name="host">A host name, or an IPv4 or IPv6 literal.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="options">Options for the connection; TCP_NODELAY is on by default.</param>
    /// <returns>The connected stream.</returns>
    /// <exception cref="SocketException">The name does not resolve (HostNotFound), or every address
    /// refused or failed: the error of the first attempt, with a message naming each address's.</exception>
    /// <remarks>No timeout parameter: an address that never answers is ended by the caller's cancel
    /// scope (<c>CancelScope.FailAfter</c>), which also ends a slow DNS lookup at once. Canceled,
    /// nothing is left open.</remarks>
    public static Coroutine<SocketStream> OpenTcpStreamAsync(string host, int port, SocketOptions? options = null)
    {
        CheckHost(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        return OpenTcp(host, port, (options ?? SocketOptions.Default).Validated());
    }

    /// <summary>Opens a connection to the Unix domain socket at <paramref name="path"/> (or an
    /// abstract name, starting with <c>'\0'</c>, on Linux).</summary>
    /// <exception cref="SocketException">Nobody listens there (ConnectionRefused, or
    /// AddressNotAvailable when the path does not exist).</exception>
    public static Coroutine<SocketStream> OpenUnixStreamAsync(string path, SocketOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SocketStream.ConnectAsync(new UnixDomainSocketEndPoint(path), options);
    }

    /// <summary>The addresses of <paramref name="host"/>, resolved off the loop thread (.NET's
    /// <c>Dns.GetHostAddressesAsync</c>, or the simulated network's names). An IP literal is returned
    /// as it is, without a lookup.</summary>
    /// <param name="host">A host name or an IP literal.</param>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/> or
    /// <see cref="AddressFamily.InterNetworkV6"/> for one family; <see cref="AddressFamily.Unspecified"/>
    /// for both.</param>
    /// <exception cref="SocketException">The name does not resolve (HostNotFound).</exception>
    /// <remarks>Canceling the awaiting task (a cancel scope, a timeout) ends the wait at once.</remarks>
    public static Coroutine<IPAddress[]> GetHostAddressesAsync(string host, AddressFamily family = AddressFamily.Unspecified)
    {
        CheckHost(host);
        if (family is not (AddressFamily.Unspecified or AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"GetHostAddressesAsync resolves IPv4 (InterNetwork), IPv6 (InterNetworkV6) or both (Unspecified), not {family}.", nameof(family));
        }

        return ResolveOnLoop(host, family);
    }

    // The loop (and its network) is the one the coroutine runs on, read when it starts: calling a
    // coroutine method only makes the coroutine.
    private static async Coroutine<IPAddress[]> ResolveOnLoop(string host, AddressFamily family) =>
        await Resolve(EventLoop.Current.NetworkStack, host, family);

    private static async Coroutine<IPAddress[]> Resolve(NetworkStack stack, string host, AddressFamily family)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return family == AddressFamily.Unspecified || literal.AddressFamily == family ? [literal] : [];
        }

        return await stack.GetHostAddressesAsync(host, family);
    }

    private static async Coroutine<SocketStream> OpenTcp(string host, int port, SocketOptions options)
    {
        var stack = EventLoop.Current.NetworkStack;
        var addresses = await Resolve(stack, host, AddressFamily.Unspecified);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound, $"{host} has no address to connect to.");
        }

        if (addresses.Length == 1)
        {
            return await stack.ConnectAsync(new IPEndPoint(addresses[0], port), options);
        }

        return await HappyEyeballs.ConnectAsync(stack, host, HappyEyeballs.Order(addresses, port), options, HappyEyeballsDelay);
    }

    private static void CheckHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Length == 0 || string.IsNullOrWhiteSpace(host))
        {
            throw new ArgumentException("The host is empty: give a host name or an IP address (\"localhost\", \"127.0.0.1\").", nameof(host));
        }
    }
}
