using System.Net;
using System.Net.Sockets;
using Coop.IO;
using Coop.Tests.Support;
using static Coop.Tests.IO.FakeNetworkStack;

namespace Coop.Tests.IO;

/// <summary>Happy Eyeballs (RFC 8305) through Network.OpenTcpStreamAsync, on a scripted network in
/// virtual time: when each attempt starts, which wins, and that the losers are closed.</summary>
public class HappyEyeballsTests
{
    private static readonly IPAddress V6a = IPAddress.Parse("2001:db8::1");
    private static readonly IPAddress V6b = IPAddress.Parse("2001:db8::2");
    private static readonly IPAddress V4a = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress V4b = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void Order_FamiliesInterleavedFromTheFirstAnswerDuplicatesDropped()
    {
        var ordered = HappyEyeballs.Order([V6a, V6b, V6a, V4a, V4b], 80);
        Assert.Equal([V6a, V4a, V6b, V4b], ordered.Select(e => e.Address));
        Assert.All(ordered, e => Assert.Equal(80, e.Port));
        Assert.Equal([V4a, V6a, V4b], HappyEyeballs.Order([V4a, V4b, V6a], 80).Select(e => e.Address));
    }

    [Fact]
    public void OpenTcpStreamAsync_FirstAddressNeverAnswers_NextStartsAfter250MsAndWinsAndTheFirstIsCanceled()
    {
        var net = Network([V6a, V6b, V4a]);
        net.Script[V6a] = (0, Outcome.NeverAnswer);
        net.Script[V4a] = (0.1, Outcome.Connect);
        var (remote, connectedAt) = Run(net, async () =>
        {
            var stream = await Coop.Network.OpenTcpStreamAsync("dual.test", 443);
            return (stream.RemoteEndPoint, EventLoop.Current.Time());
        });
        Assert.Equal(new IPEndPoint(V4a, 443), remote);
        Assert.Equal([V6a, V4a], net.Attempts.Select(a => a.Target.Address));
        Assert.Equal(0.25, net.Attempts[1].Time - net.Attempts[0].Time, 6);
        Assert.Equal(0.35, connectedAt - net.Attempts[0].Time, 6);
        Assert.Equal([new IPEndPoint(V6a, 443)], net.Canceled); // the loser stopped; V6b never began
    }

    [Fact]
    public void OpenTcpStreamAsync_AttemptRefused_NextStartsAtOnce()
    {
        var net = Network([V6a, V4a]);
        net.Script[V6a] = (0.05, Outcome.Refuse);
        net.Script[V4a] = (0.01, Outcome.Connect);
        Run(net, async () =>
        {
            await Coop.Network.OpenTcpStreamAsync("dual.test", 80);
            return 0;
        });
        Assert.Equal(0.05, net.Attempts[1].Time - net.Attempts[0].Time, 6);
        Assert.Empty(net.Canceled);
    }

    [Fact]
    public void OpenTcpStreamAsync_EveryAddressRefuses_ThrowsRefusedNamingEachAddress()
    {
        var net = Network([V6a, V4a, V6b]);
        foreach (var address in new[] { V6a, V4a, V6b })
        {
            net.Script[address] = (0.01, Outcome.Refuse);
        }

        var error = Run(net, async () => await IoTest.Failure(Coop.Network.OpenTcpStreamAsync("dual.test", 80)));
        var refused = Assert.IsType<SocketException>(error);
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Contains("dual.test", refused.Message, StringComparison.Ordinal);
        Assert.Contains("[2001:db8::1]:80: ConnectionRefused", refused.Message, StringComparison.Ordinal);
        Assert.Contains("192.0.2.1:80: ConnectionRefused", refused.Message, StringComparison.Ordinal);
        Assert.Contains("[2001:db8::2]:80: ConnectionRefused", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenTcpStreamAsync_IpLiteral_OneAttemptNoLookupAndItsOwnError()
    {
        var net = new FakeNetworkStack(); // no names at all: a lookup would fail
        net.Script[V4a] = (0.01, Outcome.Refuse);
        var error = Run(net, async () => await IoTest.Failure(Coop.Network.OpenTcpStreamAsync("192.0.2.1", 80)));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(error).SocketErrorCode);
        Assert.Single(net.Attempts);
    }

    [Fact]
    public void OpenTcpStreamAsync_ALoserConnectsAfterTheWinner_ItsStreamIsAborted()
    {
        var net = Network([V6a, V4a]);
        net.Script[V6a] = (0.3, Outcome.Connect);
        net.Script[V4a] = (0.1, Outcome.ConnectRegardless); // starts at 0.25, connects at 0.35 though canceled at 0.3
        var winner = Run(net, () => Coop.Network.OpenTcpStreamAsync("dual.test", 80));
        Assert.Equal(2, net.Streams.Count);
        Assert.Single(net.Streams, s => !s.IsClosed);
        Assert.Same(net.Streams.Single(s => !s.IsClosed), winner);
    }

    [Fact]
    public void OpenTcpStreamAsync_NoAddressAnswersWithinTheScope_TimesOutAndLeavesNothingOpen()
    {
        var net = Network([V6a, V4a, V6b, V4b]);
        foreach (var address in new[] { V6a, V4a, V6b, V4b })
        {
            net.Script[address] = (0, Outcome.NeverAnswer);
        }

        var error = Run(net, async () => await IoTest.Failure(CancelScope.FailAfter(1, _ => Coop.Network.OpenTcpStreamAsync("dual.test", 80))));
        Assert.IsType<TimeoutException>(error);
        Assert.Equal(4, net.Attempts.Count); // 0, 0.25, 0.5, 0.75
        Assert.Equal(4, net.Canceled.Count);
        Assert.Empty(net.Streams);
    }

    [Fact]
    public void OpenTcpStreamAsync_LookupNeverAnswers_EndsByScope()
    {
        var net = new FakeNetworkStack();
        net.Unresolvable.Add("slow.test");
        var (caught, time) = Run(net, async () =>
        {
            var scope = await CancelScope.MoveOnAfter(5, async _ => await Coop.Network.OpenTcpStreamAsync("slow.test", 80));
            return (scope.CanceledCaught, EventLoop.Current.Time());
        });
        Assert.True(caught);
        Assert.Equal(5, time, 6);
        Assert.Empty(net.Attempts);
    }

    [Fact]
    public void OpenTcpStreamAsync_UnknownName_ThrowsHostNotFound()
    {
        var error = Run(new FakeNetworkStack(), async () => await IoTest.Failure(Coop.Network.OpenTcpStreamAsync("nowhere.test", 80)));
        Assert.Equal(SocketError.HostNotFound, Assert.IsType<SocketException>(error).SocketErrorCode);
    }

    private static FakeNetworkStack Network(IPAddress[] addresses)
    {
        var net = new FakeNetworkStack();
        net.Names["dual.test"] = addresses;
        return net;
    }

    private static T Run<T>(FakeNetworkStack net, Func<Coroutine<T>> main) =>
        Bounded.Run(() => EventLoop.Run(main(), new EventLoopOptions { TimeProvider = new VirtualClock(), NetworkStack = net }));
}
