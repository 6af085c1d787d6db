// ConnectionSpreading.HandOff for one address of a group: one cross-loop channel of accepted sockets
// per loop, made once by whichever loop asks first. Loop 0 accepts on the real listeners and sends
// each connection to the next loop in turn, itself included; every loop serves what it receives
// through a HandedOffListener. The channels are bounded: a loop that falls behind makes loop 0 wait
// before handing it more, and meanwhile new connections wait in the kernel's accept queue.
using System.Net.Sockets;

namespace Coop.Loops;

internal sealed class ConnectionHandOff
{
    /// <summary>How many accepted connections may wait for one loop.</summary>
    private const int PerLoopCapacity = 64;

    private readonly CrossLoopSender<Socket>[] _senders;
    private readonly CrossLoopReceiver<Socket>[] _receivers;

    public ConnectionHandOff(int loops)
    {
        _senders = new CrossLoopSender<Socket>[loops];
        _receivers = new CrossLoopReceiver<Socket>[loops];
        for (var i = 0; i < loops; i++)
        {
            (_senders[i], _receivers[i]) = CrossLoopChannel.Create<Socket>(PerLoopCapacity);
        }
    }

    public CrossLoopReceiver<Socket> ReceiverFor(int loop) => _receivers[loop];

    /// <summary>On loop 0: accepts from <paramref name="listener"/> until canceled, handing each
    /// connection to the loops in turn. A connection no loop can take any more is closed and reported.</summary>
    public async Coroutine DistributeAsync(SocketListener listener)
    {
        var loop = EventLoop.Current;
        var next = 0;
        while (true)
        {
            Socket socket;
            try
            {
                socket = await loop.SockAcceptAsync(listener.Socket);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue; // the peer gave up before we accepted: nothing to serve
            }

            var target = next;
            next = (next + 1) % _senders.Length;
            try
            {
                if (!_senders[target].TrySend(socket))
                {
                    await _senders[target].SendAsync(socket);
                }
            }
            catch (ChannelClosedException)
            {
                socket.Dispose();
                loop.ReportError(new LoopError($"A connection accepted on {listener.LocalEndPoint} was closed unserved: the loop it was handed to no longer serves.", null, null, null));
            }
            catch
            {
                socket.Dispose(); // canceled while waiting for room: the connection was not handed over
                throw;
            }
        }
    }
}
