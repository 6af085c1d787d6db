// One direction of a simulated TCP connection: what one end (the sender) sends and the other (the
// receiver) receives. It plays both kernels and the wire between them:
// - the sender's side: a send hands its bytes to the wire as one message (TcpDirection.Transmit) and
//   returns; while the bytes sent and not yet read reach NetworkConditions.BufferSize it waits, which
//   is the connection's backpressure (no hidden buffer, as for a socket);
// - the wire: each message gets a due time (bandwidth, latency, the seed's timing and faults), never
//   earlier than the message before it, so bytes arrive in order or the connection fails (TCP's
//   promise); a partition or a hold between the two hosts stops the head of the line until it ends;
// - the receiver's side: arrived bytes wait until a receive takes them.
// The direction is its own timer event: one pending timer, for the head of the line.
//
// Receives and sends "wake, then look", as the in-memory pairs do (Streams/BytePipe.cs): a waiting
// call parks on a future made for that one wait and re-checks the state in its own step, so a call
// canceled after it was woken has taken nothing (cancel-safe receives; a send canceled before any
// byte left leaves the stream usable).
//
// Errors follow the ByteStream contract: this side closed (or its host crashed) -> ObjectDisposed;
// a reset arrived -> IOException(ConnectionReset), after the bytes that arrived before it are read;
// data that reaches an end already closed is answered with a reset, as a kernel does.
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Coop.Core;

namespace Coop.Testing;

internal sealed class TcpDirection(Simulation simulation, SimulatedStream sender, SimulatedStream receiver) : NetworkEvent
{
    private readonly Queue<Segment> _inFlight = new();
    private readonly Queue<byte[]> _arrived = new(); // received, not read yet; the first one partly read
    private int _arrivedOffset;
    private Handle? _timer;
    private long _linkFreeAt;
    private long _lastDue;
    private int _messages;
    private bool _blocked;      // the head of the line waits for a partition or hold to end
    private Future? _receiverWait;
    private Future? _senderWait;
    private bool _receiving;
    private bool _sending;
    private bool _sendBroken;   // a send failed after part of its data left
    private bool _finSent;      // SendEofAsync, or a close: no more data
    private bool _rstSent;
    private bool _finArrived;

    public SimulatedStream Sender => sender;

    public SimulatedStream Receiver => receiver;

    /// <summary>Bytes sent and not yet read by the receiver: on the wire, or arrived and unread.</summary>
    public int Outstanding { get; private set; }

    /// <summary>Bytes arrived at the receiver and not read yet.</summary>
    public int ArrivedCount { get; private set; }

    public async Coroutine<int> ReceiveAsync(Memory<byte> buffer)
    {
        simulation.CheckLoop(receiver, raiseCancellation: true);
        if (_receiving)
        {
            throw ByteStream.BusyError("receive");
        }

        _receiving = true;
        try
        {
            while (true)
            {
                if (TryTakeArrived(buffer.Span, out var received))
                {
                    return received;
                }

                var wait = simulation.NewWait();
                _receiverWait = wait;
                await wait;
            }
        }
        finally
        {
            _receiving = false;
        }
    }

    public async Coroutine SendAllAsync(ReadOnlyMemory<byte> data)
    {
        simulation.CheckLoop(sender, raiseCancellation: true);
        if (_sending)
        {
            throw ByteStream.BusyError("send");
        }

        ThrowIfCannotSend();
        if (data.IsEmpty)
        {
            return;
        }

        _sending = true;
        var taken = false;
        try
        {
            var rest = data;
            while (true)
            {
                var n = TransmitWhatFits(rest.Span);
                if (n > 0)
                {
                    rest = rest[n..];
                    taken = true;
                    if (rest.IsEmpty)
                    {
                        return;
                    }
                }

                var wait = simulation.NewWait();
                _senderWait = wait;
                await wait;
                ThrowIfCannotSend();
            }
        }
        catch (Exception) when (taken)
        {
            _sendBroken = true;
            throw;
        }
        finally
        {
            _sending = false;
        }
    }

    /// <summary>SocketStream.TryReceive: what a receive would take now, without waiting.</summary>
    public bool TryReceive(Span<byte> buffer, out int received)
    {
        SocketStream.CheckTryReceiveBuffer(buffer);
        simulation.CheckLoop(receiver, raiseCancellation: false);
        CheckNoReceiver();
        return TryTakeArrived(buffer, out received);
    }

    /// <summary>SocketStream.TrySend: what the window takes now, without waiting.</summary>
    public bool TrySend(ReadOnlySpan<byte> data, out int sent)
    {
        simulation.CheckLoop(sender, raiseCancellation: false);
        CheckNoSender();
        ThrowIfCannotSend();
        sent = TransmitWhatFits(data);
        return sent > 0 || data.IsEmpty;
    }

    /// <summary>SocketStream.WaitReadableAsync: done when a TryReceive would find bytes, the end of
    /// the stream, or a reset to report.</summary>
    public Future WaitReadableAsync()
    {
        simulation.CheckLoop(receiver, raiseCancellation: false);
        CheckNoReceiver();
        receiver.ThrowIfClosed();
        return ArrivedCount > 0 || receiver.ResetReceived || _finArrived ? DoneFuture.Of(simulation.Loop) : (_receiverWait = simulation.NewWait());
    }

    /// <summary>SocketStream.WaitWritableAsync: done when a TrySend would find room in the window,
    /// or an error to report.</summary>
    public Future WaitWritableAsync()
    {
        simulation.CheckLoop(sender, raiseCancellation: false);
        CheckNoSender();
        sender.ThrowIfClosed();
        var tryWouldThrow = _finSent || sender.ResetReceived || _sendBroken;
        return tryWouldThrow || Room > 0 ? DoneFuture.Of(simulation.Loop) : (_senderWait = simulation.NewWait());
    }

    /// <summary>The sender half-closes: the receiver gets end of stream after the bytes before it.</summary>
    public void SendEof()
    {
        simulation.CheckLoop(sender, raiseCancellation: true);
        sender.ThrowIfClosed();
        if (_sending)
        {
            throw ByteStream.BusyError("send");
        }

        SendFin();
    }

    /// <summary>FIN, once, unless the connection is already reset (a close sends one too).</summary>
    public void SendFin()
    {
        if (!_finSent && !_rstSent && !sender.ResetReceived)
        {
            _finSent = true;
            Enqueue(new Segment(SegmentKind.Fin, null, simulation.DueAfterLatency()));
        }
    }

    /// <summary>RST, once: an abort, a crash, or a kernel answering data for a closed end.</summary>
    public void SendReset()
    {
        if (!_rstSent)
        {
            _rstSent = true;
            Enqueue(new Segment(SegmentKind.Rst, null, simulation.DueAfterLatency()));
        }
    }

    /// <summary>A fault: the connection is reset from the wire, in this direction, at <paramref name="due"/>.</summary>
    public void ResetAt(long due)
    {
        _rstSent = true;
        Enqueue(new Segment(SegmentKind.Rst, null, due));
    }

    /// <summary>Wakes a waiting receive (or a WaitReadableAsync); with <paramref name="error"/> the
    /// wait fails with it (this end closed under it).</summary>
    public void WakeReceiver(Exception? error = null) => Wake(ref _receiverWait, error);

    /// <summary>Wakes a waiting send (or a WaitWritableAsync); see <see cref="WakeReceiver"/>.</summary>
    public void WakeSender(Exception? error = null) => Wake(ref _senderWait, error);

    public override void Fire()
    {
        _timer = null;
        var now = simulation.Loop.Now();
        while (_inFlight.Count > 0 && _inFlight.Peek().Due <= now)
        {
            if (simulation.IsBlocked(sender.Host, receiver.Host))
            {
                _blocked = true;
                simulation.WhenLinkOpens(sender.Host, receiver.Host, Unblock);
                return;
            }

            Arrive(_inFlight.Dequeue());
        }

        Arm();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{sender.Host.Name} -> {receiver.Host.Name}: {_inFlight.Count} segments in flight, {ArrivedCount} bytes unread");

    /// <summary>A quoted start of <paramref name="data"/>, for readable traces: "ok 3\n" or "(12 bytes)".</summary>
    internal static string Preview(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder("\"");
        var printable = 0;
        var shown = Math.Min(data.Length, 24);
        for (var i = 0; i < shown; i++)
        {
            var b = data[i];
            if (b is >= 32 and < 127)
            {
                printable++;
                text.Append(b == '"' ? "\\\"" : ((char)b).ToString());
            }
            else
            {
                text.Append(b switch { (byte)'\n' => "\\n", (byte)'\r' => "\\r", (byte)'\t' => "\\t", _ => $"\\x{b:x2}" });
            }
        }

        if (printable < shown / 2)
        {
            return string.Create(CultureInfo.InvariantCulture, $"({data.Length} bytes)");
        }

        text.Append(data.Length > shown ? "...\"" : "\"");
        return text.ToString();
    }

    private void ThrowIfCannotSend()
    {
        sender.ThrowIfClosed();
        if (_finSent)
        {
            throw ByteStream.SendAfterEofError();
        }

        if (sender.ResetReceived)
        {
            throw SimulatedStream.ResetError();
        }

        if (_sendBroken)
        {
            throw ByteStream.SendBrokenError();
        }
    }

    /// <summary>One message onto the wire: its due time, and what the seed does to it.</summary>
    private void Transmit(byte[] bytes)
    {
        var m = ++_messages;
        var key = string.Create(CultureInfo.InvariantCulture, $"{sender.Connection}: message {m} from '{sender.Host.Name}'");
        var now = simulation.Loop.Now();
        var start = Math.Max(now, _linkFreeAt);
        _linkFreeAt = start + simulation.TransmitTicks(bytes.Length);
        var describe = new MessageDescription(this, m, bytes);
        var due = _linkFreeAt + simulation.MessageLatency(key, describe);
        var fault = simulation.DecideMessageFault(key, sender.Host, receiver.Host, bytes.Length, describe);
        switch (fault.Kind)
        {
            case MessageFaultKind.Delay:
                Send(bytes, due + simulation.Ticks(fault.Duration));
                break;
            case MessageFaultKind.Split:
                Send(bytes[..fault.Offset], due);
                Send(bytes[fault.Offset..], due + simulation.Ticks(fault.Duration));
                break;
            case MessageFaultKind.Reset:
                if (fault.Offset > 0)
                {
                    Send(bytes[..fault.Offset], due);
                }

                // The rest of the message never arrives: it does not count against the window.
                ResetAt(due);
                receiver.Outgoing.ResetAt(due);
                break;
            case MessageFaultKind.SenderCrash:
                simulation.CrashSoon(sender.Host, fault.Duration);
                break;
            case MessageFaultKind.ReceiverCrash:
                Enqueue(new Segment(SegmentKind.CrashReceiver, null, due) { Downtime = fault.Duration });
                break;
            default:
                Send(bytes, due);
                break;
        }
    }

    private void Send(byte[] bytes, long due)
    {
        Outstanding += bytes.Length;
        Enqueue(new Segment(SegmentKind.Data, bytes, due));
    }

    private void Enqueue(Segment segment)
    {
        segment.Due = Math.Max(segment.Due, _lastDue); // in order: never before the segment ahead
        _lastDue = segment.Due;
        _inFlight.Enqueue(segment);
        if (_inFlight.Count == 1)
        {
            Arm();
        }
    }

    private void Arm()
    {
        if (_timer == null && !_blocked && _inFlight.Count > 0)
        {
            _timer = ScheduleAt(simulation.Loop, _inFlight.Peek().Due);
        }
    }

    /// <summary>The partition or hold ended: what waited goes on, one latency from now (TCP resends).</summary>
    private void Unblock()
    {
        _blocked = false;
        var earliest = simulation.DueAfterLatency();
        foreach (var segment in _inFlight)
        {
            segment.Due = Math.Max(segment.Due, earliest);
        }

        _lastDue = Math.Max(_lastDue, earliest);
        Arm();
    }

    private void Arrive(Segment segment)
    {
        switch (segment.Kind)
        {
            case SegmentKind.Rst:
                receiver.OnReset();
                return;
            case SegmentKind.CrashReceiver:
                simulation.CrashNow(receiver.Host, receiver.Generation, segment.Downtime);
                return;
        }

        if (receiver.IsClosed)
        {
            if (segment.Kind == SegmentKind.Data)
            {
                receiver.Outgoing.SendReset(); // data for a closed end: the kernel answers with a reset
            }

            return;
        }

        if (receiver.ResetReceived)
        {
            return;
        }

        if (segment.Kind == SegmentKind.Fin)
        {
            _finArrived = true;
        }
        else
        {
            _arrived.Enqueue(segment.Data!);
            ArrivedCount += segment.Data!.Length;
            simulation.Trace(sender, receiver, segment.Data);
        }

        WakeReceiver();
    }

    private int Take(Span<byte> destination)
    {
        var taken = 0;
        while (taken < destination.Length && _arrived.Count > 0)
        {
            var chunk = _arrived.Peek();
            var n = Math.Min(destination.Length - taken, chunk.Length - _arrivedOffset);
            chunk.AsSpan(_arrivedOffset, n).CopyTo(destination[taken..]);
            taken += n;
            _arrivedOffset += n;
            if (_arrivedOffset == chunk.Length)
            {
                _arrived.Dequeue();
                _arrivedOffset = 0;
            }
        }

        ArrivedCount -= taken;
        Outstanding -= taken;
        WakeSender(); // room in the window
        return taken;
    }

    private static void Wake(ref Future? wait, Exception? error)
    {
        var waiter = wait;
        if (waiter != null)
        {
            wait = null;
            _ = error == null ? waiter.TrySetResult() : waiter.TrySetException(error); // false if its call was canceled meanwhile
        }
    }

    /// <summary>One task at a time receives: a try or a wait must not take bytes from under a
    /// receive (or another wait) in progress.</summary>
    private void CheckNoReceiver()
    {
        if (_receiving || _receiverWait is { IsDone: false })
        {
            throw ByteStream.BusyError("receive");
        }
    }

    /// <summary>One task at a time sends (see <see cref="CheckNoReceiver"/>).</summary>
    private void CheckNoSender()
    {
        if (_sending || _senderWait is { IsDone: false })
        {
            throw ByteStream.BusyError("send");
        }
    }

    /// <summary>Room left in the window: bytes the receiver has not read count against it.</summary>
    private int Room => simulation.Network.BufferSize - Outstanding;

    /// <summary>What a receive takes now: true with the count (0 at end of stream), false if
    /// nothing has arrived; a reset that arrived is raised after the bytes before it.</summary>
    private bool TryTakeArrived(Span<byte> buffer, out int received)
    {
        receiver.ThrowIfClosed();
        received = 0;
        if (ArrivedCount > 0)
        {
            received = buffer.IsEmpty ? 0 : Take(buffer);
            return true;
        }

        if (receiver.ResetReceived)
        {
            throw SimulatedStream.ResetError();
        }

        return _finArrived;
    }

    /// <summary>Puts on the wire as much of <paramref name="data"/> as the window has room for;
    /// returns the count.</summary>
    private int TransmitWhatFits(ReadOnlySpan<byte> data)
    {
        var n = Math.Min(Room, data.Length);
        if (n <= 0)
        {
            return 0;
        }

        Transmit(data[..n].ToArray());
        return n;
    }

    /// <summary>Words for one message, made only when a trace or a perturbation needs them.</summary>
    internal readonly struct MessageDescription(TcpDirection direction, int number, byte[] bytes)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"message {number} from '{direction.Sender.Host.Name}' to '{direction.Receiver.Host.Name}', {Preview(bytes)} ({bytes.Length} bytes, connection {direction.Sender.Connection})");
    }
}
