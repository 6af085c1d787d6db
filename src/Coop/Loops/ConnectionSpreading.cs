namespace Coop;

/// <summary>How <see cref="LoopShard.ServeTcpAsync"/> spreads a group's connections over its loops.</summary>
public enum ConnectionSpreading
{
    /// <summary><see cref="ReusePort"/> on Linux, <see cref="HandOff"/> elsewhere.</summary>
    Automatic,

    /// <summary>Each loop opens its own listener on the same port with SO_REUSEPORT
    /// (<see cref="SocketOptions.ReusePort"/>, Linux only), and the kernel picks the listener of each
    /// new connection by a hash of its addresses and ports: the spread is even over many connections,
    /// not by load, so one loop may get more busy connections than another.</summary>
    ReusePort,

    /// <summary>Loop 0 accepts every connection and hands each to the next loop in turn (loop 0
    /// included) through that loop's inbox; the receiving loop serves it. Works everywhere; costs one
    /// cross-loop message per connection and puts every accept on loop 0.</summary>
    HandOff,
}
