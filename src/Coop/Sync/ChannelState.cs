// What the handles of one memory channel share: the queue and how many handles of each kind are
// open. Closing the last sender shuts the queue down gently (receivers drain it, then see the end);
// closing the last receiver shuts it down at once (buffered items are dropped, senders fail, and a
// receive still waiting fails too).
namespace Coop.Core;

internal sealed class ChannelState<T>(int capacity)
{
    public CoopQueue<T> Queue { get; } = new(capacity);

    public int OpenSenders { get; private set; } = 1;

    public int OpenReceivers { get; private set; } = 1;

    public void SenderOpened() => OpenSenders++;

    public void ReceiverOpened() => OpenReceivers++;

    public void SenderClosed()
    {
        if (--OpenSenders == 0)
        {
            Queue.ShutdownCore(
                immediate: false,
                getError: static () => new EndOfChannelException("Every sender of this channel is closed and it is empty."),
                putError: null);
        }
    }

    public void ReceiverClosed()
    {
        if (--OpenReceivers == 0)
        {
            Queue.ShutdownCore(
                immediate: true,
                getError: static () => new ChannelClosedException("This channel's receivers were all closed while it waited to receive."),
                putError: static () => new ChannelClosedException("Every receiver of this channel is closed: nobody would get the item."));
        }
    }
}
