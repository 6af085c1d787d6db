using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop.Tests.IO;

/// <summary>A scripted network behind the seam (NetworkStack), in virtual time, for the calls written
/// above it: names resolve to set addresses, each address connects, refuses or never answers after a
/// set delay, and a listener's accepts fail as told. Streams are in-memory pairs. It records every
/// attempt, when it began and how it ended, and every stream it made.</summary>
internal sealed class FakeNetworkStack : NetworkStack
{
    public enum Outcome
    {
        Connect,
        Refuse,
        NeverAnswer,

        /// <summary>Connects after the delay even if canceled meanwhile, as a network whose connect
        /// cannot be taken back (a completion-based one) would.</summary>
        ConnectRegardless,
    }

    public Dictionary<string, IPAddress[]> Names { get; } = [];

    /// <summary>Names that never resolve (the lookup waits forever).</summary>
    public HashSet<string> Unresolvable { get; } = [];

    public Dictionary<IPAddress, (double Delay, Outcome Outcome)> Script { get; } = [];

    public List<(double Time, IPEndPoint Target)> Attempts { get; } = [];

    public List<IPEndPoint> Canceled { get; } = [];

    public List<FakeSocketStream> Streams { get; } = [];

    public List<FakeListener> Listeners { get; } = [];

    public override async Coroutine<IPAddress[]> GetHostAddressesAsync(string host, AddressFamily family)
    {
        if (Unresolvable.Contains(host))
        {
            await EventLoop.Current.CreateFuture();
        }

        await Coroutine.Sleep(0.001);
        return Names.TryGetValue(host, out var addresses)
            ? addresses.Where(a => family == AddressFamily.Unspecified || a.AddressFamily == family).ToArray()
            : throw new SocketException((int)SocketError.HostNotFound);
    }

    public override async Coroutine<SocketStream> ConnectAsync(EndPoint remote, SocketOptions options)
    {
        var target = (IPEndPoint)remote;
        var loop = EventLoop.Current;
        Attempts.Add((loop.Time(), target));
        var (delay, outcome) = Script.TryGetValue(target.Address, out var step) ? step : (0.0, Outcome.Refuse);
        try
        {
            if (outcome == Outcome.ConnectRegardless)
            {
                await CancelScope.Shielded(async _ => await Coroutine.Sleep(delay));
            }
            else
            {
                await Coroutine.Sleep(delay);
            }

            if (outcome == Outcome.NeverAnswer)
            {
                await loop.CreateFuture();
            }
        }
        catch (CanceledException)
        {
            Canceled.Add(target);
            throw;
        }

        if (outcome == Outcome.Refuse)
        {
            throw new SocketException((int)SocketError.ConnectionRefused);
        }

        var (near, _) = StreamPair.CreateMemory();
        var stream = new FakeSocketStream(near, new IPEndPoint(target.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback, 40000 + Streams.Count), target);
        Streams.Add(stream);
        return stream;
    }

    public override SocketListener Listen(EndPoint local, int backlog, SocketOptions options)
    {
        var listener = new FakeListener(local);
        Listeners.Add(listener);
        return listener;
    }

    public override UdpSocket BindUdp(IPEndPoint local, SocketOptions options) => throw new NotSupportedException("The fake network has no UDP.");

    /// <summary>A SocketStream over one end of an in-memory pair.</summary>
    internal sealed class FakeSocketStream(ByteStream inner, EndPoint local, EndPoint remote) : SocketStream
    {
        private bool _closed;

        public override EndPoint? LocalEndPoint => local;

        public override EndPoint? RemoteEndPoint => remote;

        public override bool IsClosed => _closed;

        public override Coroutine<int> ReceiveAsync(Memory<byte> buffer) => inner.ReceiveAsync(buffer);

        public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) => inner.SendAllAsync(data);

        public override Coroutine SendEofAsync() => inner.SendEofAsync();

        public override Coroutine CloseAsync()
        {
            _closed = true;
            return inner.CloseAsync();
        }

        public override void Abort()
        {
            _closed = true;
            inner.Abort();
        }
    }

    /// <summary>A listener whose accepts are scripted: each entry of <see cref="Accepts"/> is an error
    /// to throw or null for a new connection; when they run out, an accept waits forever.</summary>
    internal sealed class FakeListener(EndPoint local) : SocketListener
    {
        private bool _closed;

        public Queue<SocketError?> Accepts { get; } = new();

        public List<double> AcceptTimes { get; } = [];

        public List<ByteStream> Peers { get; } = [];

        public override EndPoint LocalEndPoint => local;

        public override bool IsClosed => _closed;

        public override async Coroutine<SocketStream> AcceptAsync()
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var loop = EventLoop.Current;
            AcceptTimes.Add(loop.Time());
            if (!Accepts.TryDequeue(out var next))
            {
                await loop.CreateFuture();
            }

            if (next is { } error)
            {
                throw new SocketException((int)error);
            }

            var (near, far) = StreamPair.CreateMemory();
            Peers.Add(far);
            return new FakeSocketStream(near, local, new IPEndPoint(IPAddress.Loopback, 50000 + Peers.Count));
        }

        public override void Close() => _closed = true;
    }
}
