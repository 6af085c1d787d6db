// The socket options users need, given once when a stream, listener or UDP socket is opened (the
// high-level calls in Network, SocketStream.ConnectAsync, SocketListener.Listen, UdpSocket.Bind).
// Plain data: the network stack applies them (SystemNetworkStack to real sockets; a simulated stack
// may honour what it models and ignore the rest). Defaults are what a request/response server wants:
// TCP_NODELAY on (docs/io.md has the 44.7 ms vs 23 µs measurement), SO_REUSEADDR on for what binds,
// the system's keep-alive and buffer sizes.

namespace Coop;

/// <summary>Options for the sockets Coop opens: TCP_NODELAY, keep-alive, buffer sizes and
/// SO_REUSEADDR. Pass them to <see cref="Network.OpenTcpStreamAsync"/>,
/// <see cref="Network.OpenTcpListenersAsync"/>, <see cref="SocketStream.ConnectAsync"/>,
/// <see cref="SocketListener.Listen"/> or <see cref="UdpSocket.Bind"/>; a listener applies them to
/// every connection it accepts.</summary>
public sealed class SocketOptions
{
    /// <summary>The defaults: <see cref="NoDelay"/> and <see cref="ReuseAddress"/> on, the rest the
    /// system's.</summary>
    public static SocketOptions Default { get; } = new();

    /// <summary>TCP_NODELAY: send small writes at once instead of waiting for the ACK of the previous
    /// one (Nagle's algorithm). On by default: with it off, the second small write of a message waits
    /// for the peer's delayed ACK, up to 40 ms. TCP only.</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>SO_KEEPALIVE: probe an idle connection so that a peer that vanished is noticed (a
    /// receive then fails). Off by default. TCP only.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>TCP_KEEPIDLE: how long a connection stays idle before the first keep-alive probe
    /// (whole seconds); null for the system's (two hours on Linux). Setting it turns
    /// <see cref="KeepAlive"/> on.</summary>
    public TimeSpan? KeepAliveTime { get; init; }

    /// <summary>TCP_KEEPINTVL: the time between keep-alive probes (whole seconds); null for the
    /// system's. Setting it turns <see cref="KeepAlive"/> on.</summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    /// <summary>SO_RCVBUF in bytes; null for the system's (Linux doubles the value and tunes it
    /// automatically when it is not set).</summary>
    public int? ReceiveBufferSize { get; init; }

    /// <summary>SO_SNDBUF in bytes; null for the system's. A smaller buffer makes backpressure reach
    /// the sender sooner.</summary>
    public int? SendBufferSize { get; init; }

    /// <summary>SO_REUSEADDR for listeners and UDP sockets: a restarted server can bind its port while
    /// connections of the previous one linger in TIME_WAIT. On by default.</summary>
    public bool ReuseAddress { get; init; } = true;

    /// <summary>True if keep-alive probes are wanted (<see cref="KeepAlive"/>, or a keep-alive time
    /// or interval set).</summary>
    internal bool WantsKeepAlive => KeepAlive || KeepAliveTime != null || KeepAliveInterval != null;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value no socket accepts.</summary>
    internal SocketOptions Validated()
    {
        CheckPositive(ReceiveBufferSize, nameof(ReceiveBufferSize));
        CheckPositive(SendBufferSize, nameof(SendBufferSize));
        CheckSeconds(KeepAliveTime, nameof(KeepAliveTime));
        CheckSeconds(KeepAliveInterval, nameof(KeepAliveInterval));
        return this;
    }

    private static void CheckPositive(int? value, string name)
    {
        if (value is <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"SocketOptions.{name} must be a positive number of bytes, or null for the system's.");
        }
    }

    private static void CheckSeconds(TimeSpan? value, string name)
    {
        if (value is { } span && (span < TimeSpan.FromSeconds(1) || span.TotalSeconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(name, value, $"SocketOptions.{name} is whole seconds, at least 1 (the kernel's unit), or null for the system's.");
        }
    }
}
