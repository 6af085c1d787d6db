// ConnectionSpreading.HandOff for one address of a group, made once by whichever loop asks first:
// one cross-loop channel of accepted sockets for each loop but loop 0. Loop 0 accepts on the real
// listeners (DistributingListener) and deals the connections to the loops in turn: its own turn it
// serves itself, the others' it sends to their channel, which each of them serves through a
// HandedOffListener. The channels are bounded: a loop that falls behind makes loop 0 wait before
// handing it more, and meanwhile new connections wait in the kernel's accept queue.
using System.Net;
using System.Net.Sockets;

namespace Coop.Loops;

internal sealed class ConnectionHandOff
{
    /// <summary>How many accepted connections may wait for one loop.</summary>
    private const int PerLoopCapacity = 64;

    private readonly CrossLoopSender<Socket>?[] _senders;     // none for loop 0: it serves its own turns
    private readonly CrossLoopReceiver<Socket>?[] _receivers;
    private int _next; // the loop whose turn is next; read and written on loop 0 only

    public ConnectionHandOff(int loops)
    {
        _senders = new CrossLoopSender<Socket>?[loops];
        _receivers = new CrossLoopReceiver<Socket>?[loops];
        for (var i = 1; i < loops; i++)
        {
            (_senders[i], _receivers[i]) = CrossLoopChannel.Create<Socket>(PerLoopCapacity);
        }
    }

    /// <summary>What loop <paramref name="loop"/> (not 0) is handed.</summary>
    public CrossLoopReceiver<Socket> ReceiverFor(int loop) =>
        _receivers[loop] ?? throw new ArgumentOutOfRangeException(nameof(loop), loop, "Loop 0 accepts for the group and serves its own turns: it has no hand-off channel.");

    /// <summary>On loop 0: whose turn the next accepted connection is, and moves the turn on.</summary>
    public int TakeTurn()
    {
        var turn = _next;
        _next = (_next + 1) % _senders.Length;
        return turn;
    }

    /// <summary>On loop 0: sends <paramref name="socket"/> to loop <paramref name="target"/>, waiting
    /// while that loop's channel is full. A connection that cannot be handed over is closed: reported
    /// when the target no longer serves, or when this server stops while it waits for room.</summary>
    public async Coroutine HandOverAsync(int target, Socket socket, EndPoint acceptedOn)
    {
        var sender = _senders[target]!;
        try
        {
            if (!sender.TrySend(socket))
            {
                await sender.SendAsync(socket);
            }
        }
        catch (ChannelClosedException)
        {
            socket.Dispose();
            EventLoop.Current.ReportError(new LoopError($"A connection accepted on {acceptedOn} was closed unserved: the loop it was handed to no longer serves.", null, null, null));
        }
        catch (CanceledException)
        {
            socket.Dispose();
            EventLoop.Current.ReportError(new LoopError($"A connection accepted on {acceptedOn} was closed unserved: the server stopped while it waited for room on the loop it was handed to.", null, CoopTask.Current, null));
            throw;
        }
    }
}
