// One end of a simulated TCP connection, as a ByteStream: what OpenTcpStreamAsync returns and a
// server accepts when the loop runs a simulation. The bytes move in the two TcpDirections it
// shares with its peer; this file holds the end's own state (closed here, reset from there, killed
// by its host's crash) and its addresses. The ByteStream contract suite runs against it
// (tests/Coop.Tests/Simulation/SimulatedStreamTests.cs), so protocol code meets the same behaviour
// and the same exceptions as over a socket.
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Coop.Testing;

[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A ByteStream, named like SocketStream.")]
internal sealed class SimulatedStream : SocketStream
{
    private readonly Simulation _simulation;
    private bool _closed;

    private SimulatedStream(Simulation simulation, SimulatedHost host, IPEndPoint local, IPEndPoint remote, string connection)
    {
        _simulation = simulation;
        Host = host;
        Generation = host.Generation;
        Local = local;
        Remote = remote;
        Connection = connection;
    }

    public SimulatedHost Host { get; }

    /// <summary>The incarnation of the host that opened it: a crash kills the ends of the old one.</summary>
    public int Generation { get; }

    public IPEndPoint Local { get; }

    public IPEndPoint Remote { get; }

    public override EndPoint? LocalEndPoint => Local;

    public override EndPoint? RemoteEndPoint => Remote;

    /// <summary>The connection's name in traces and perturbation keys: "client→bank:80 #1".</summary>
    public string Connection { get; }

    public TcpDirection Outgoing { get; private set; } = null!;

    public TcpDirection Incoming { get; private set; } = null!;

    /// <summary>Closed or aborted on this side, or killed by a crash of its host.</summary>
    public override bool IsClosed => _closed;

    /// <summary>A reset reached this end.</summary>
    public bool ResetReceived { get; private set; }

    private bool Killed { get; set; }

    /// <summary>Both ends of a new connection, joined.</summary>
    public static (SimulatedStream Client, SimulatedStream Server) Connect(
        Simulation simulation, SimulatedHost client, IPEndPoint clientEndPoint, SimulatedHost server, IPEndPoint serverEndPoint, string connection)
    {
        var a = new SimulatedStream(simulation, client, clientEndPoint, serverEndPoint, connection);
        var b = new SimulatedStream(simulation, server, serverEndPoint, clientEndPoint, connection);
        a.Outgoing = b.Incoming = new TcpDirection(simulation, a, b);
        b.Outgoing = a.Incoming = new TcpDirection(simulation, b, a);
        client.Streams.Add(a);
        server.Streams.Add(b);
        return (a, b);
    }

    public override Coroutine<int> ReceiveAsync(Memory<byte> buffer) => Incoming.ReceiveAsync(buffer);

    public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) => Outgoing.SendAllAsync(data);

    public override bool TryReceive(Span<byte> buffer, out int received) => Incoming.TryReceive(buffer, out received);

    public override bool TrySend(ReadOnlySpan<byte> data, out int sent) => Outgoing.TrySend(data, out sent);

    public override Future WaitReadableAsync() => Incoming.WaitReadableAsync();

    public override Future WaitWritableAsync() => Outgoing.WaitWritableAsync();

#pragma warning disable CS1998 // a cold coroutine that never waits: the half-close and the close are one step
    public override async Coroutine SendEofAsync() => Outgoing.SendEof();

    public override async Coroutine CloseAsync()
    {
        _simulation.CheckLoop(this, raiseCancellation: false);
        Close(Outgoing.SendFin);
    }
#pragma warning restore CS1998

    public override void Abort()
    {
        _simulation.CheckLoop(this, raiseCancellation: false);
        Close(Outgoing.SendReset);
    }

    /// <summary>The host crashed: the end is gone, its peer is reset.</summary>
    public void Kill()
    {
        Killed = true;
        Close(Outgoing.SendReset);
    }

    public void OnReset()
    {
        if (!IsClosed)
        {
            ResetReceived = true;
            WakeLocalCalls();
        }
    }

    public void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw ClosedError();
        }
    }

    public static IOException ResetError() =>
        new("The connection was reset by the peer.", new SocketException((int)SocketError.ConnectionReset));

    public override string ToString() => $"<simulated TCP stream {Local} -> {Remote} on {Connection}{(IsClosed ? ", closed" : "")}>";

    private void Close(Action tellPeer)
    {
        if (IsClosed)
        {
            return;
        }

        tellPeer();
        _closed = true;
        Host.Streams.Remove(this);
        Incoming.WakeReceiver(ClosedError()); // a wait pending on a closed end fails, as on a socket
        Outgoing.WakeSender(ClosedError());
    }

    private ObjectDisposedException ClosedError() => new(nameof(SimulatedStream), Killed
        ? $"Host '{Host.Name}' crashed: its connections are gone."
        : "The stream was closed on this side (CloseAsync or Abort).");

    private void WakeLocalCalls()
    {
        Incoming.WakeReceiver();
        Outgoing.WakeSender();
    }
}
