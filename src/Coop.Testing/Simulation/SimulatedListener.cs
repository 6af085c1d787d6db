// A listening port of a simulated host: connects that reach it wait in its backlog until accepted.
// A crash of its host, or Close, closes it: the connections still in the backlog are reset, as a
// kernel resets them when the listening socket closes, and a waiting accept fails.
using System.Net;

namespace Coop.Testing;

internal sealed class SimulatedListener(Simulation simulation, SimulatedHost host, int port, int backlog) : SocketListener
{
    private readonly IPEndPoint _local = new(host.Address, port);
    private readonly Queue<SimulatedStream> _backlog = new();
    private Future? _acceptWait;
    private bool _accepting;
    private bool _closed;

    public SimulatedHost Host => host;

    public int Port => port;

    public override EndPoint LocalEndPoint => _local;

    public override bool IsClosed => _closed;

    /// <summary>Waits for a connection and returns its server end. Cancel-safe: a canceled accept
    /// took no connection.</summary>
    public override async Coroutine<SocketStream> AcceptAsync()
    {
        simulation.CheckLoop(this, raiseCancellation: true);
        if (_accepting)
        {
            throw new InvalidOperationException("Another task is already waiting to accept on this listener: accept in one task at a time.");
        }

        _accepting = true;
        try
        {
            while (true)
            {
                ThrowIfClosed();
                if (_backlog.Count > 0)
                {
                    return _backlog.Dequeue();
                }

                var wait = simulation.NewWait();
                _acceptWait = wait;
                await wait;
            }
        }
        finally
        {
            _accepting = false;
        }
    }

    /// <summary>A connect arrived: false (refused) when the backlog is full.</summary>
    public bool TryQueue(SimulatedStream server)
    {
        if (_backlog.Count >= backlog)
        {
            return false;
        }

        _backlog.Enqueue(server);
        Wake();
        return true;
    }

    public override void Close()
    {
        simulation.CheckLoop(this, raiseCancellation: false);
        Kill();
    }

    /// <summary>Closes it, by a crash or Close: queued connections are reset.</summary>
    public void Kill()
    {
        if (IsClosed)
        {
            return;
        }

        _closed = true;
        host.Listeners.Remove(port);
        while (_backlog.Count > 0)
        {
            _backlog.Dequeue().Abort();
        }

        Wake();
    }

    public override string ToString() => $"<simulated TCP listener {_local}{(IsClosed ? ", closed" : "")}>";

    private void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new ObjectDisposedException(nameof(SimulatedListener), host.IsUp
                ? "The listener was closed."
                : $"Host '{host.Name}' crashed: its listeners are gone.");
        }
    }

    private void Wake()
    {
        var waiter = _acceptWait;
        _acceptWait = null;
        waiter?.TrySetResultObject(null);
    }
}
