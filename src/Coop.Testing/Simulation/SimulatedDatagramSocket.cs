// A UDP port of a simulated host (a UdpSocket). A send never waits (UDP has no backpressure): the datagram goes
// onto the wire, where the seed may lose, duplicate, delay or reorder it (Simulation.SendDatagram).
// Arrived datagrams wait in a bounded queue (NetworkConditions.BufferSize bytes); past it they are
// dropped, as a kernel drops them. A receive into a buffer smaller than the datagram gets its start
// and loses the rest, as with a socket.
using System.Net;
using System.Net.Sockets;

namespace Coop.Testing;

internal sealed class SimulatedDatagramSocket(Simulation simulation, SimulatedHost host, int port) : UdpSocket
{
    private readonly IPEndPoint _local = new(host.Address, port);
    private readonly Queue<(byte[] Data, IPEndPoint From)> _queue = new();
    private int _queuedBytes;
    private Future? _receiveWait;
    private bool _receiving;
    private bool _closed;

    public SimulatedHost Host => host;

    public int Generation { get; } = host.Generation;

    public override IPEndPoint LocalEndPoint => _local;

    public override bool IsClosed => _closed;

    /// <summary>Sends <paramref name="data"/> to <paramref name="remote"/>; returns its length.</summary>
#pragma warning disable CS1998 // a cold coroutine that never waits: UDP sends do not block
    public override async Coroutine<int> SendToAsync(ReadOnlyMemory<byte> data, IPEndPoint remote)
#pragma warning restore CS1998
    {
        ArgumentNullException.ThrowIfNull(remote);
        simulation.CheckLoop(this, raiseCancellation: true);
        ThrowIfClosed();
        simulation.SendDatagram(this, data.ToArray(), remote);
        return data.Length;
    }

    /// <summary>Waits for a datagram and copies it into <paramref name="buffer"/> (cut to its length).
    /// Cancel-safe: a canceled receive took no datagram.</summary>
    public override async Coroutine<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer)
    {
        simulation.CheckLoop(this, raiseCancellation: true);
        if (_receiving)
        {
            throw ByteStream.BusyError("receive");
        }

        _receiving = true;
        try
        {
            while (true)
            {
                ThrowIfClosed();
                if (_queue.Count > 0)
                {
                    var (data, from) = _queue.Dequeue();
                    _queuedBytes -= data.Length;
                    var n = Math.Min(data.Length, buffer.Length);
                    data.AsSpan(0, n).CopyTo(buffer.Span);
                    return new SocketReceiveFromResult { ReceivedBytes = n, RemoteEndPoint = from };
                }

                var wait = simulation.NewWait();
                _receiveWait = wait;
                await wait;
            }
        }
        finally
        {
            _receiving = false;
        }
    }

    public override void Close()
    {
        simulation.CheckLoop(this, raiseCancellation: false);
        Kill();
    }

    public void Kill()
    {
        if (!IsClosed)
        {
            _closed = true;
            host.Datagrams.Remove(port);
            _queue.Clear();
            Wake();
        }
    }

    /// <summary>A datagram arrived: queued, or dropped when the queue is full or the socket closed.</summary>
    public void Arrive(byte[] data, IPEndPoint from)
    {
        if (IsClosed || _queuedBytes + data.Length > simulation.Network.BufferSize)
        {
            return;
        }

        _queue.Enqueue((data, from));
        _queuedBytes += data.Length;
        Wake();
    }

    public override string ToString() => $"<simulated UDP socket {_local}{(IsClosed ? ", closed" : "")}>";

    private void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new ObjectDisposedException(nameof(SimulatedDatagramSocket), host.IsUp
                ? "The socket was closed."
                : $"Host '{host.Name}' crashed: its sockets are gone.");
        }
    }

    private void Wake()
    {
        var waiter = _receiveWait;
        _receiveWait = null;
        waiter?.TrySetResultObject(null);
    }
}
