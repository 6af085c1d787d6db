// The receiving side of ConnectionSpreading.HandOff: a SocketListener whose "accept" takes the next
// socket another loop accepted and handed over through a cross-loop channel, and registers it with
// this loop. As a listener it plugs into Network.ServeListenersAsync, so a handed-off connection is
// served exactly as an accepted one (its own task in the server's task group, the handler's errors
// reported, the stream closed after it).
// No connection is dropped silently: closing this listener (the server ending, the group shutting
// down) closes every socket still in the channel and reports how many; a socket the accepting loop
// could not hand over (this side closed) is closed and reported there.
using System.Net;
using System.Net.Sockets;
using Coop.IO;

namespace Coop.Loops;

internal sealed class HandedOffListener : SocketListener
{
    private readonly CrossLoopReceiver<Socket> _incoming;
    private readonly EndPoint _localEndPoint;
    private readonly SocketOptions _options;
    private readonly string _loopName;

    public HandedOffListener(CrossLoopReceiver<Socket> incoming, EndPoint localEndPoint, SocketOptions options, string loopName)
    {
        _incoming = incoming;
        _localEndPoint = localEndPoint;
        _options = options;
        _loopName = loopName;
    }

    public override EndPoint LocalEndPoint => _localEndPoint;

    public override bool IsClosed => _incoming.IsClosed;

    public override async Coroutine<SocketStream> AcceptAsync()
    {
        if (_incoming.IsClosed)
        {
            throw new ObjectDisposedException(nameof(SocketListener), $"{this} is closed.");
        }

        var socket = await _incoming.ReceiveAsync();
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

    public override void Close()
    {
        var left = _incoming.CloseAndTakeLeft();
        foreach (var socket in left)
        {
            socket.Dispose();
        }

        if (left.Count > 0 && EventLoop.CurrentOrNull is { } loop)
        {
            loop.ReportError(new LoopError(
                $"{left.Count} connection(s) handed to {_loopName} were closed unserved: its server stopped before it could serve them.", null, null, null));
        }
    }

    public override string ToString() => $"SocketListener(connections handed to {_loopName} from {_localEndPoint})";
}
