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
