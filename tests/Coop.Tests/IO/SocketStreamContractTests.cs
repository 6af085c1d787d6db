using Coop.Tests.Streams;

namespace Coop.Tests.IO;

/// <summary>The ByteStream contract (tests/Coop.Tests/Streams/ByteStreamTests.cs) over a TCP
/// connection on loopback, for each poller: the kernel's buffers are megabytes, so the contract's
/// backpressure tests send more than they hold.</summary>
[Collection(IoSerial.Name)]
public abstract class SocketStreamContractTests : ByteStreamContract
{
    protected abstract PollerKind Poller { get; }

    protected override EventLoopOptions Options => new() { Poller = Poller, TimeProvider = new VirtualClock() };

    protected override int BackpressurePayload => 64 * 1024 * 1024;

    protected override async Coroutine<(ByteStream A, ByteStream B)> Connect()
    {
        var (client, server) = await IoTest.ConnectedPair();
        return (client, server);
    }
}

public sealed class SocketStreamEpollContractTests : SocketStreamContractTests
{
    protected override PollerKind Poller => PollerKind.Epoll;
}

public sealed class SocketStreamPortableContractTests : SocketStreamContractTests
{
    protected override PollerKind Poller => PollerKind.Portable;
}

/// <summary>The ByteStream contract over a Unix domain stream socket (an abstract name, so no file is
/// left behind), on epoll: the same stream class, another address family. A Unix socket has no
/// reset: the peer of an aborted stream receives end of stream, and its sends fail.</summary>
public sealed class SocketStreamUnixContractTests : SocketStreamContractTests
{
    protected override PollerKind Poller => PollerKind.Epoll;

    protected override bool AbortResetsPeer => false;

    protected override int BackpressurePayload => 16 * 1024 * 1024;

    protected override async Coroutine<(ByteStream A, ByteStream B)> Connect()
    {
        var name = "\0coop-contract-" + Guid.NewGuid().ToString("N");
        var listener = Network.OpenUnixListener(name);
        try
        {
            var client = await Network.OpenUnixStreamAsync(name);
            var server = await listener.AcceptAsync();
            return (client, server);
        }
        finally
        {
            listener.Close();
        }
    }
}
