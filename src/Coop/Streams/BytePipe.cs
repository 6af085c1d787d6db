// One direction of an in-memory stream pair (StreamPair.cs): what one end sends and the other
// receives. Two pipes make a pair; each end (InMemoryStream.cs) writes one and reads the other.
//
// - Memory pipe (a capacity > 0): a send copies into a bounded ring (ByteRing.cs) and returns when
//   every byte is in it; while the ring is full it waits, which is the pair's backpressure. A receive
//   takes from the ring only, so it never returns more than the capacity, as a socket's receive never
//   returns more than its buffer holds.
// - Lockstep pipe (capacity 0, Trio's lockstep_stream_pair): no ring. A send offers its bytes and
//   waits; a receive copies straight out of the offered bytes; the send returns when a receive has
//   taken the last of them. So no byte moves until a receive asks for it, and code that only works
//   thanks to buffering deadlocks here instead of in production.
//
// Cancel-safety comes from "wake, then look": a waiting receive or send parks on a private future
// made for that one wait (CancelWithWaiter), and the bytes move only after it resumes, in its own
// step. A receive canceled after it was woken has taken nothing; the bytes stay for the next one.
//
// States, per side (the writer is the sending end, the reader the receiving end):
//   writer: Open --SendEof--> Eof;  Open|Eof --close--> Closed;  Open|Eof --abort--> Reset
//   reader: Open --close--> Closed;  Open --abort--> Reset
// The reader sees end of stream once the ring is drained after Eof or Closed, and a reset error at
// once after Reset (the ring is discarded, as a TCP reset discards what is in flight). The writer
// sees a broken-pipe error after the reader closed, a reset error after it aborted.
using System.Net.Sockets;

namespace Coop.Core;

internal sealed class BytePipe
{
    private readonly ByteRing? _ring; // null for a lockstep pipe

    // A waiting send woken because a receive took the last of its bytes has completed: if it is
    // canceled before it resumes, the send stands and the cancellation waits for the next await
    // (Sync/WaitQueue.cs's rule for a hand-off that cannot be undone). While bytes remain, it may raise.
    private readonly Func<Future, bool> _sendRevocable;
    private EventLoop? _loop;
    private ReadOnlyMemory<byte> _offered; // what a waiting send has not had taken yet; empty otherwise
    private Future? _receiverWait;        // the waiting receive's private future, if one waits
    private Future<bool>? _senderWait;    // the waiting send's private future, if one waits
    private bool _receiving;
    private bool _sending;
    private bool _sendBroken;             // a send failed after part of its data was taken
    private WriterState _writer;
    private ReaderState _reader;

    public BytePipe(int capacity)
    {
        _ring = capacity > 0 ? new ByteRing(capacity) : null;
        _sendRevocable = _ => !_offered.IsEmpty;
    }

    private enum WriterState : byte { Open, Eof, Closed, Reset }

    private enum ReaderState : byte { Open, Closed, Reset }

    /// <summary>Bytes sent and not yet received (in the ring, or offered by a waiting send).</summary>
    public int InFlight => (_ring?.Count ?? 0) + _offered.Length;

    /// <summary>Bytes a receive can take now: the ring's of a memory pipe (a waiting send refills it:
    /// a receive never gets more than the capacity), the offered bytes of a lockstep pipe.</summary>
    private int Available => _ring?.Count ?? _offered.Length;

    public async Coroutine<int> ReceiveAsync(Memory<byte> buffer, ByteStream owner)
    {
        var loop = LoopAffinity.BindForWait(ref _loop, owner);
        if (_receiving)
        {
            throw ByteStream.BusyError("receive");
        }

        _receiving = true;
        try
        {
            while (true)
            {
                ThrowIfCannotReceive(owner);
                if (Available > 0)
                {
                    return Take(buffer.Span);
                }

                if (_writer != WriterState.Open)
                {
                    return 0; // end of stream
                }

                _receiverWait = new Future(loop) { CancelWithWaiter = true };
                await _receiverWait;
            }
        }
        finally
        {
            _receiving = false;
        }
    }

    public async Coroutine SendAllAsync(ReadOnlyMemory<byte> data, ByteStream owner)
    {
        var loop = LoopAffinity.BindForWait(ref _loop, owner);
        if (_sending)
        {
            throw ByteStream.BusyError("send");
        }

        ThrowIfCannotSend(owner);
        if (data.IsEmpty)
        {
            return;
        }

        _sending = true;
        var taken = false; // has any byte of this send left it?
        try
        {
            var rest = data;
            while (true)
            {
                var copied = _ring?.Write(rest.Span) ?? 0;
                if (copied > 0)
                {
                    rest = rest[copied..];
                    taken = true;
                    WakeReceiver();
                }

                if (rest.IsEmpty)
                {
                    return;
                }

                _offered = rest;
                if (_ring == null)
                {
                    WakeReceiver(); // offered bytes are what a lockstep receive takes
                }

                _senderWait = new HandOffFuture<bool>(loop, _sendRevocable) { CancelWithWaiter = true };
                try
                {
                    await _senderWait;
                }
                finally
                {
                    taken |= _offered.Length != rest.Length;
                    rest = _offered;
                    _offered = default;
                }

                if (rest.IsEmpty)
                {
                    return; // a receive took the last of it (lockstep)
                }

                ThrowIfCannotSend(owner);
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

    /// <summary>The writer half-closes: the reader gets end of stream after the bytes in flight.</summary>
    public void SendEof(ByteStream owner)
    {
        LoopAffinity.BindForWait(ref _loop, owner);
        if (_writer is WriterState.Closed or WriterState.Reset)
        {
            throw Closed(owner);
        }

        if (_sending)
        {
            throw ByteStream.BusyError("send");
        }

        if (_writer == WriterState.Open)
        {
            _writer = WriterState.Eof;
            WakeReceiver();
        }
    }

    /// <summary>The writing end closes gracefully.</summary>
    public void CloseWriter(ByteStream owner)
    {
        CheckLoop(owner);
        if (_writer is WriterState.Open or WriterState.Eof)
        {
            _writer = WriterState.Closed;
            WakeBoth();
        }
    }

    /// <summary>The writing end aborts: what is in flight is lost, the reader sees a reset. After a
    /// close it does nothing: the stream is gone already.</summary>
    public void ResetWriter(ByteStream owner)
    {
        CheckLoop(owner);
        if (_writer is WriterState.Open or WriterState.Eof)
        {
            _writer = WriterState.Reset;
            _ring?.Clear();
            WakeBoth();
        }
    }

    /// <summary>The reading end closes: what is in flight is dropped; later sends break.</summary>
    public void CloseReader(ByteStream owner)
    {
        CheckLoop(owner);
        if (_reader == ReaderState.Open)
        {
            _reader = ReaderState.Closed;
            _ring?.Clear();
            WakeBoth();
        }
    }

    /// <summary>The reading end aborts: the writer sees a reset. After a close it does nothing.</summary>
    public void ResetReader(ByteStream owner)
    {
        CheckLoop(owner);
        if (_reader == ReaderState.Open)
        {
            _reader = ReaderState.Reset;
            _ring?.Clear();
            WakeBoth();
        }
    }

    public override string ToString() =>
        $"{(_ring == null ? "lockstep" : "memory")} pipe, writer {_writer}, reader {_reader}, {InFlight} bytes in flight";

    private int Take(Span<byte> destination)
    {
        int n;
        if (_ring != null)
        {
            n = _ring.Read(destination);
        }
        else
        {
            n = Math.Min(destination.Length, _offered.Length);
            _offered.Span[..n].CopyTo(destination);
            _offered = _offered[n..];
        }

        if (n > 0)
        {
            WakeSender(); // room in the ring, or offered bytes taken
        }

        return n;
    }

    private void ThrowIfCannotReceive(ByteStream owner)
    {
        if (_reader != ReaderState.Open)
        {
            throw Closed(owner);
        }

        if (_writer == WriterState.Reset)
        {
            throw PeerReset();
        }
    }

    private void ThrowIfCannotSend(ByteStream owner)
    {
        if (_writer is WriterState.Closed or WriterState.Reset)
        {
            throw Closed(owner);
        }

        if (_writer == WriterState.Eof)
        {
            throw ByteStream.SendAfterEofError();
        }

        if (_reader == ReaderState.Reset)
        {
            throw PeerReset();
        }

        if (_reader == ReaderState.Closed)
        {
            throw new IOException("The peer closed the stream: it receives no more data (broken pipe).",
                new SocketException((int)SocketError.Shutdown));
        }

        if (_sendBroken)
        {
            throw ByteStream.SendBrokenError();
        }
    }

    private void CheckLoop(ByteStream owner)
    {
        if (_loop != null)
        {
            LoopAffinity.Bind(ref _loop, owner);
        }
    }

    private void WakeReceiver()
    {
        var waiter = _receiverWait;
        if (waiter != null)
        {
            _receiverWait = null;
            waiter.TrySetResult(); // false if its receive was canceled meanwhile
        }
    }

    private void WakeSender()
    {
        var waiter = _senderWait;
        if (waiter != null)
        {
            _senderWait = null;
            waiter.TrySetResult(true); // false if its send was canceled meanwhile
        }
    }

    private void WakeBoth()
    {
        WakeReceiver();
        WakeSender();
    }

    private static IOException PeerReset() =>
        new("The peer reset the stream (Abort): data in flight was discarded.", new SocketException((int)SocketError.ConnectionReset));

    private static ObjectDisposedException Closed(ByteStream owner) =>
        new(owner.GetType().Name, "The stream was closed on this side (CloseAsync or Abort).");
}
