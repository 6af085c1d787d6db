// The accepting side of ConnectionSpreading.HandOff, on loop 0: a SocketListener around a real one
// whose "accept" accepts connections and deals them to the group's loops in turn (ConnectionHandOff),
// returning only those whose turn is loop 0's own. As a listener it plugs into
// Network.ServeListenersAsync, so the hand-off runs in the server's own accept loop and inherits what
// that loop does with accept failures: a connection the peer reset before the accept is skipped, and
// a lack of resources (EMFILE, ENFILE, ENOBUFS) is reported and backed off from, while the
// connections wait in the kernel's queue. Accepting is done on the raw socket, since a connection for
// another loop must not be registered with this one.
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop.Loops;

internal sealed class DistributingListener : SocketListener
{
    private readonly SocketListener _listener;
    private readonly ConnectionHandOff _handOff;
    private readonly SocketOptions _options;
    private readonly Func<Coroutine<Socket>> _accept;

    public DistributingListener(SocketListener listener, ConnectionHandOff handOff, SocketOptions options)
        : this(listener, handOff, options, () => EventLoop.Current.SockAcceptAsync(listener.Socket))
    {
    }

    /// <summary>With the raw accept given: tests script its failures.</summary>
    internal DistributingListener(SocketListener listener, ConnectionHandOff handOff, SocketOptions options, Func<Coroutine<Socket>> accept)
    {
        _listener = listener;
        _handOff = handOff;
        _options = options;
        _accept = accept;
    }

    public override EndPoint LocalEndPoint => _listener.LocalEndPoint;

    public override bool IsClosed => _listener.IsClosed;

    /// <summary>Accepts until a connection is this loop's turn; hands the others on. An accept
    /// failure ends the call (the server's accept loop backs off and calls again); the turns stay
    /// where they were.</summary>
    public override async Coroutine<SocketStream> AcceptAsync()
    {
        while (true)
        {
            var socket = await _accept();
            var turn = _handOff.TakeTurn();
            if (turn != 0)
            {
                await _handOff.HandOverAsync(turn, socket, LocalEndPoint);
                continue;
            }

            try
            {
                return SystemSocketStream.Wrap(socket, _options);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    public override void Close() => _listener.Close();

    public override string ToString() => $"SocketListener({LocalEndPoint}, handing connections to the group's loops)";
}
