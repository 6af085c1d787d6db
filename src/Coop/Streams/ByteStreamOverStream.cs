// A ByteStream over a System.IO.Stream (ByteStream.FromStream), and the I/O half of TlsStream (over
// its SslStream). A .NET stream's ReadAsync is not cancel-safe: canceled half-way, it may have taken
// bytes that then belong to nobody, and it may still write into the caller's buffer after the
// caller gave up. So the adapter never lends the caller's memory to the stream:
// - receive: the stream reads into the adapter's own buffer. A receive waits for the read in flight
//   on a future of its own; canceled, it leaves, and the read goes on: when it completes, its bytes
//   stay buffered for the next receive, which starts no new read while one is in flight. So a
//   receive is cancel-safe whatever the stream does with cancellation.
// - send: each chunk (up to 16 KiB) is copied into the adapter's own buffer, then written. A send
//   canceled while a write is in flight cancels that write (its token) and breaks the send side
//   (ByteStream's contract); the stream keeps reading the adapter's buffer, never the caller's.
// Completions come back through BclCompletion.cs: inline when the stream completes on the loop
// thread (an SslStream over a Coop stream: completesOnLoop), through the inbox otherwise.
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Coop.Core;

#pragma warning disable CA1001 // the token sources have no timers and are not linked: the GC reclaims them, and disposing one could race with the stream reading its token
internal sealed class ByteStreamOverStream : ByteStream
#pragma warning restore CA1001
{
    private const int ChunkSize = 16 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _completesOnLoop; // the stream's operations complete on the loop thread
    private readonly CancellationTokenSource _stopReads = new();
    private readonly CancellationTokenSource _stopWrites = new();
    private readonly Action _readCompleted;
    private readonly Action _writeCompleted;

    // A send woken by its write's success and then canceled before it resumes goes on: the bytes
    // are sent, so raising would misreport them; the cancellation waits for the next await
    // (Sync/WaitQueue.cs's rule for a hand-off that cannot be undone).
    private readonly Func<Future, bool> _writeRevocable;
    private EventLoop? _loop;
    private bool _closed;

    // Receive side: _readBuffer[_readStart.._readEnd] is received and not yet returned.
    private byte[] _readBuffer = [];
    private int _readStart;
    private int _readEnd;
    private ValueTask<int> _read; // the read in flight, while _readInFlight
    private bool _readInFlight;
    private bool _readEnded;      // the stream returned 0: end of stream
    private ExceptionDispatchInfo? _readError;
    private Future<bool>? _readWait; // the waiting receive's private future
    private bool _receiving;

    // Send side.
    private byte[] _writeBuffer = [];
    private ValueTask _write;     // the write in flight, while _writeInFlight
    private bool _writeInFlight;
    private ExceptionDispatchInfo? _writeError;
    private Future<bool>? _writeWait;
    private bool _sending;
    private bool _sendBroken;     // a send was canceled after it handed bytes to the stream
    private bool _eofSent;

    public ByteStreamOverStream(Stream stream, bool leaveOpen, bool completesOnLoop)
    {
        if (!stream.CanRead || !stream.CanWrite)
        {
            throw new ArgumentException($"A byte stream needs a stream that can both read and write; this {stream.GetType().Name} " +
                $"can{(stream.CanRead ? "" : "not")} read and can{(stream.CanWrite ? "" : "not")} write.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        _completesOnLoop = completesOnLoop;
        _readCompleted = () => BclCompletion.OnLoop(_loop!, static s => ((ByteStreamOverStream)s!).OnReadCompleted(), this);
        _writeCompleted = () => BclCompletion.OnLoop(_loop!, static s => ((ByteStreamOverStream)s!).OnWriteCompleted(), this);
        _writeRevocable = _ => _writeError != null || _closed;
    }

    /// <summary>True while sends may still work: no EOF sent, no send broken, not closed.</summary>
    internal bool CanSend => !_closed && !_eofSent && !_sendBroken && _writeError == null && !_writeInFlight;

    public override async Coroutine<int> ReceiveAsync(Memory<byte> buffer)
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_receiving)
        {
            throw BusyError("receive");
        }

        _receiving = true;
        try
        {
            while (true)
            {
                ThrowIfClosed();
                if (_readEnd > _readStart)
                {
                    var n = Math.Min(buffer.Length, _readEnd - _readStart);
                    _readBuffer.AsSpan(_readStart, n).CopyTo(buffer.Span);
                    _readStart += n;
                    return n;
                }

                _readError?.Throw();
                if (_readEnded)
                {
                    return 0;
                }

                if (!_readInFlight)
                {
                    StartRead();
                }

                if (_readInFlight)
                {
                    _readWait = new Future<bool>(loop) { CancelWithWaiter = true };
                    await BclCompletion.Parked(loop, _readWait, _completesOnLoop);
                }
            }
        }
        finally
        {
            _receiving = false;
        }
    }

    public override async Coroutine SendAllAsync(ReadOnlyMemory<byte> data)
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_sending)
        {
            throw BusyError("send");
        }

        ThrowIfCannotSend();
        _sending = true;
        var handedOver = false; // has the stream been given any of these bytes?
        try
        {
            while (!data.IsEmpty)
            {
                var chunk = Math.Min(data.Length, ChunkSize);
                if (_writeBuffer.Length == 0)
                {
                    _writeBuffer = new byte[ChunkSize];
                }

                data.Span[..chunk].CopyTo(_writeBuffer);
                handedOver = true;
                StartWrite(chunk);
                if (_writeInFlight)
                {
                    _writeWait = new HandOffFuture<bool>(loop, _writeRevocable) { CancelWithWaiter = true };
                    await BclCompletion.Parked(loop, _writeWait, _completesOnLoop);
                }

                ThrowIfClosed();
                _writeError?.Throw();
                data = data[chunk..];
            }
        }
        catch (Exception) when (handedOver)
        {
            _sendBroken = true;
            if (_writeInFlight)
            {
                BclCompletion.Cancel(_stopWrites, _completesOnLoop);
            }

            throw;
        }
        finally
        {
            _sending = false;
        }
    }

    /// <summary>Half-closes: close_notify for an <see cref="SslStream"/>, a shutdown for a
    /// <see cref="NetworkStream"/>, the byte stream's own for Coop's Stream; other streams cannot.</summary>
    public override async Coroutine SendEofAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        ThrowIfClosed();
        if (_eofSent)
        {
            return;
        }

        if (_sending)
        {
            throw BusyError("send");
        }

        switch (_stream)
        {
            case SslStream tls:
                _eofSent = true;
                await BclCompletion.WaitAsync(loop, tls.ShutdownAsync(), _completesOnLoop);
                break;
            case NetworkStream network:
                _eofSent = true;
                network.Socket.Shutdown(SocketShutdown.Send);
                break;
            case StreamOverByteStream coop:
                _eofSent = true;
                await coop.Inner.SendEofAsync();
                break;
            default:
                throw new NotSupportedException(
                    $"A {_stream.GetType().Name} has no half-close: SendEofAsync works over an SslStream or a NetworkStream. Close the stream instead.");
        }
    }

    public override async Coroutine CloseAsync()
    {
        var loop = LoopAffinity.Bind(ref _loop, this);
        if (_closed)
        {
            return;
        }

        StopAll();
        if (!_leaveOpen)
        {
            await BclCompletion.WaitAsync(loop, _stream.DisposeAsync().AsTask(), _completesOnLoop);
        }
    }

    public override void Abort()
    {
        if (_loop != null)
        {
            LoopAffinity.Bind(ref _loop, this);
        }

        if (_closed)
        {
            return;
        }

        StopAll();
        if (_leaveOpen)
        {
            return;
        }

        if (_stream is StreamOverByteStream coop)
        {
            coop.Abort(); // a reset, where disposing would close gracefully
        }
        else
        {
            _stream.Dispose();
        }
    }

    public override string ToString() => $"<ByteStream over a {_stream.GetType().Name}{(_closed ? ", closed" : "")}>";

    private void StartRead()
    {
        _readStart = _readEnd = 0; // a read starts only when nothing is buffered
        if (_readBuffer.Length == 0)
        {
            _readBuffer = new byte[ChunkSize];
        }

        try
        {
#pragma warning disable CA2012 // kept until it completes, then consumed exactly once (OnReadCompleted)
            _read = _stream.ReadAsync(_readBuffer, _stopReads.Token);
#pragma warning restore CA2012
        }
        catch (Exception e)
        {
            _readError = ExceptionDispatchInfo.Capture(e);
            return;
        }

        _readInFlight = true;
        if (_read.IsCompleted)
        {
            OnReadCompleted();
        }
        else
        {
            _read.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_readCompleted);
        }
    }

    private void OnReadCompleted()
    {
        _readInFlight = false;
        try
        {
            var n = _read.GetAwaiter().GetResult();
            if (n == 0)
            {
                _readEnded = true;
            }
            else
            {
                _readEnd += n;
            }
        }
        catch (Exception e)
        {
            _readError = ExceptionDispatchInfo.Capture(e); // after a close nobody reads it: the close caused it
        }

        _read = default;
        Wake(ref _readWait);
    }

    private void StartWrite(int count)
    {
        try
        {
#pragma warning disable CA2012 // kept until it completes, then consumed exactly once (OnWriteCompleted)
            _write = _stream.WriteAsync(_writeBuffer.AsMemory(0, count), _stopWrites.Token);
#pragma warning restore CA2012
        }
        catch (Exception e)
        {
            _writeError = ExceptionDispatchInfo.Capture(e);
            return;
        }

        _writeInFlight = true;
        if (_write.IsCompleted)
        {
            OnWriteCompleted();
        }
        else
        {
            _write.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_writeCompleted);
        }
    }

    private void OnWriteCompleted()
    {
        _writeInFlight = false;
        try
        {
            _write.GetAwaiter().GetResult();
        }
        catch (Exception e) when (!(e is OperationCanceledException && _stopWrites.IsCancellationRequested))
        {
            _writeError = ExceptionDispatchInfo.Capture(e);
        }
        catch (OperationCanceledException)
        {
            // This adapter canceled the write (a canceled send, a close): the send side is broken
            // or closed already, which is what later calls report.
        }

        _write = default;
        Wake(ref _writeWait);
    }

    /// <summary>Marks the stream closed, stops what is in flight and wakes the waiting calls, which
    /// then fail with <see cref="ObjectDisposedException"/>.</summary>
    private void StopAll()
    {
        _closed = true;
        _readStart = _readEnd = 0;
        if (_readInFlight)
        {
            BclCompletion.Cancel(_stopReads, _completesOnLoop);
        }

        if (_writeInFlight)
        {
            BclCompletion.Cancel(_stopWrites, _completesOnLoop);
        }

        Wake(ref _readWait);
        Wake(ref _writeWait);
    }

    private void ThrowIfClosed() =>
        ObjectDisposedException.ThrowIf(_closed, this);

    private void ThrowIfCannotSend()
    {
        ThrowIfClosed();
        if (_eofSent)
        {
            throw SendAfterEofError();
        }

        _writeError?.Throw();
        if (_sendBroken)
        {
            throw SendBrokenError();
        }
    }

    private static void Wake(ref Future<bool>? waiter)
    {
        var future = waiter;
        if (future != null)
        {
            waiter = null;
            future.TrySetResult(true); // false if its call was canceled meanwhile
        }
    }
}
