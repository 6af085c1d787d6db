// A read buffer over any ByteStream, for protocols made of lines, delimited messages and fixed-size
// fields (asyncio's StreamReader, Tokio's BufReader). It buffers receives only: sends pass straight
// through, so the stream's backpressure is untouched, and because the reader is itself a ByteStream
// a protocol can read a plaintext preamble and then start TLS over the reader without losing the
// bytes it has buffered (STARTTLS, the PROXY header, an HTTP upgrade).
//
// Cancel-safety, the point of the class (Tokio's best-known trap is a read_line canceled after it
// consumed half a line): a read never consumes anything until its last step, after its last await.
// - ReadUntil/ReadLine receive into the buffer and search it; only when the separator is found do
//   they take the result out, in the same step.
// - ReadAtLeast/ReadExactly receive big reads straight into the caller's buffer (no copy), after
//   the prefix that is already buffered; if the read fails (canceled, timed out, end of stream,
//   reset), what it received is appended to the buffer, behind that prefix, before the exception
//   leaves: the next read sees every byte, in order.
// - The stream's own receive is cancel-safe (ByteStream's contract), and awaiting a coroutine that
//   has returned is not an await point (no cancellation can come between its return and the line
//   after it), so bytes are never in limbo between the stream and the buffer.
// A read that fails for any reason therefore consumes nothing, and one rule covers all: after an
// exception the buffer holds every byte received and not returned.
namespace Coop;

/// <summary>
/// Reads lines, delimited messages and exact byte counts from a <see cref="ByteStream"/>, buffering
/// what it receives beyond what a read returns (asyncio's <c>StreamReader</c>, Tokio's
/// <c>BufReader</c>). Every read is cancel-safe: a read that is canceled, times out or fails consumes
/// nothing, and the bytes it had received stay buffered for the next read.
/// </summary>
/// <remarks>
/// <para>It is itself a <see cref="ByteStream"/>: <see cref="ReceiveAsync"/> returns buffered bytes
/// first, and sends, <see cref="SendEofAsync"/>, <see cref="CloseAsync"/> and <see cref="Abort"/> go
/// to the underlying stream unbuffered. So a protocol can read a preamble, then run TLS over the
/// reader (<see cref="TlsStream"/>) without losing buffered bytes.</para>
/// <para>One read at a time: a read started while another task's read waits throws
/// <see cref="InvalidOperationException"/>. Use it on the underlying stream's loop only.</para>
/// </remarks>
public sealed class ByteStreamReader : ByteStream
{
    /// <summary>The default limit of <see cref="ReadLineAsync"/> and <see cref="ReadUntilAsync"/>: 64 KiB.</summary>
    public const int DefaultLimit = 64 * 1024;

    /// <summary>The default size of the first buffer: 8 KiB (it grows when a read needs more).</summary>
    public const int DefaultBufferSize = 8 * 1024;

    private static readonly ReadOnlyMemory<byte> Newline = new[] { (byte)'\n' };

    private readonly ByteStream _stream;
    private readonly int _bufferSize;
    private EventLoop? _loop;
    private byte[] _buffer = [];
    private int _start; // buffered bytes are _buffer[_start.._end]
    private int _end;
    private bool _reading;
    private bool _closed;

    /// <summary>Creates a reader over <paramref name="stream"/>; it allocates its buffer at the first read.</summary>
    /// <param name="stream">The stream to read from; the reader closes it when closed.</param>
    /// <param name="bufferSize">How many bytes the buffer starts with; it grows when a read needs more.</param>
    public ByteStreamReader(ByteStream stream, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        _stream = stream;
        _bufferSize = bufferSize;
    }

    /// <summary>The stream this reader reads from.</summary>
    public ByteStream Stream => _stream;

    /// <summary>How many bytes are buffered: received from the stream and not yet returned.</summary>
    public int BufferedCount => _end - _start;

    /// <summary>The buffered bytes, without consuming them: a view of the reader's buffer, valid until
    /// the next read or <see cref="Consume"/>. With <see cref="FillAsync"/> and <see cref="Consume"/> it
    /// lets a parser work in place, with no copy.</summary>
    public ReadOnlyMemory<byte> Buffered => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Discards the first <paramref name="count"/> buffered bytes (they count as read).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or more than
    /// <see cref="BufferedCount"/>.</exception>
    /// <exception cref="InvalidOperationException">A read is in progress.</exception>
    public void Consume(int count)
    {
        Core.LoopAffinity.Bind(ref _loop, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, BufferedCount);
        if (_reading)
        {
            throw Busy();
        }

        Advance(count);
    }

    /// <summary>Receives more bytes from the stream into the buffer (at least one, unless the stream
    /// has ended); returns how many were added, 0 at end of stream. Cancel-safe.</summary>
    /// <remarks>It always receives, even when bytes are buffered already: call it when what is
    /// buffered is not enough (a parser needs more of a message). The buffer grows as needed, so bound
    /// how much you let it gather.</remarks>
    public Coroutine<int> FillAsync() => FillCoreAsync();

    /// <summary>Reads one line: the bytes up to and including the next <c>\n</c> (asyncio's
    /// <c>readline</c>). At the end of the stream it returns the last, unterminated line, and then an
    /// empty array.</summary>
    /// <param name="limit">The longest line accepted, <c>\n</c> included.</param>
    /// <exception cref="ReadLimitExceededException">No <c>\n</c> within <paramref name="limit"/>
    /// bytes; nothing is consumed (see the exception for how to go on).</exception>
    public Coroutine<byte[]> ReadLineAsync(int limit = DefaultLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return ReadUntilCoreAsync(Newline, limit, lastPieceAtEnd: true);
    }

    /// <summary>Reads up to and including the next <paramref name="separator"/> (asyncio's
    /// <c>readuntil</c>): <c>await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray())</c>.</summary>
    /// <param name="separator">The bytes that end the message; not empty.</param>
    /// <param name="limit">The longest result accepted, separator included.</param>
    /// <exception cref="ReadLimitExceededException">No separator within <paramref name="limit"/>
    /// bytes; nothing is consumed.</exception>
    /// <exception cref="IncompleteReadException">The stream ended before the separator; nothing is
    /// consumed, and the exception carries the bytes that came.</exception>
    public Coroutine<byte[]> ReadUntilAsync(ReadOnlyMemory<byte> separator, int limit = DefaultLimit)
    {
        if (separator.IsEmpty)
        {
            throw new ArgumentException("The separator is empty: a read needs bytes to look for.", nameof(separator));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, separator.Length);
        return ReadUntilCoreAsync(separator, limit, lastPieceAtEnd: false);
    }

    /// <summary>Fills <paramref name="buffer"/> completely (.NET's <c>Stream.ReadExactlyAsync</c>,
    /// asyncio's <c>readexactly</c>).</summary>
    /// <exception cref="IncompleteReadException">The stream ended first; nothing is consumed, and the
    /// exception carries the bytes that came.</exception>
    /// <remarks>If it fails or is canceled, <paramref name="buffer"/>'s content is unspecified (the
    /// bytes are in the reader).</remarks>
    public Coroutine ReadExactlyAsync(Memory<byte> buffer) =>
        ReadAtLeastCoreAsync(buffer, buffer.Length, throwOnEndOfStream: true);

    /// <summary>Reads at least <paramref name="minimumBytes"/> bytes into <paramref name="buffer"/>, and
    /// as many more as are available without waiting, up to its length (.NET's
    /// <c>Stream.ReadAtLeastAsync</c>). Returns the count read.</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="minimumBytes">How many bytes to wait for; at most <paramref name="buffer"/>'s length.</param>
    /// <param name="throwOnEndOfStream">True to throw <see cref="IncompleteReadException"/> if the stream
    /// ends first (nothing is consumed); false to return fewer bytes at the end of the stream.</param>
    public Coroutine<int> ReadAtLeastAsync(Memory<byte> buffer, int minimumBytes, bool throwOnEndOfStream = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumBytes, buffer.Length);
        return ReadAtLeastCoreAsync(buffer, minimumBytes, throwOnEndOfStream);
    }

    /// <summary>Receives buffered bytes first, without touching the stream; when nothing is buffered,
    /// receives from the stream straight into <paramref name="buffer"/>. Cancel-safe.</summary>
    public override async Coroutine<int> ReceiveAsync(Memory<byte> buffer)
    {
        BeginRead();
        try
        {
            if (BufferedCount > 0)
            {
                var n = Math.Min(BufferedCount, buffer.Length);
                _buffer.AsSpan(_start, n).CopyTo(buffer.Span);
                Advance(n);
                return n;
            }

            return await _stream.ReceiveAsync(buffer);
        }
        finally
        {
            _reading = false;
        }
    }

    /// <summary>Sends through the underlying stream, unbuffered (<see cref="ByteStream.SendAllAsync"/>).</summary>
    public override Coroutine SendAllAsync(ReadOnlyMemory<byte> data) => _stream.SendAllAsync(data);

    /// <summary>Half-closes the underlying stream (<see cref="ByteStream.SendEofAsync"/>).</summary>
    public override Coroutine SendEofAsync() => _stream.SendEofAsync();

    /// <summary>Drops the buffered bytes and closes the underlying stream.</summary>
    public override async Coroutine CloseAsync()
    {
        Release();
        await _stream.CloseAsync();
    }

    /// <summary>Drops the buffered bytes and aborts the underlying stream.</summary>
    public override void Abort()
    {
        Release();
        _stream.Abort();
    }

    /// <inheritdoc />
    public override string ToString() => $"<ByteStreamReader: {BufferedCount} bytes buffered, over {_stream}>";

    private async Coroutine<int> FillCoreAsync()
    {
        BeginRead();
        try
        {
            var n = await _stream.ReceiveAsync(FreeSpace(1));
            _end += n;
            return n;
        }
        finally
        {
            _reading = false;
        }
    }

    private async Coroutine<byte[]> ReadUntilCoreAsync(ReadOnlyMemory<byte> separator, int limit, bool lastPieceAtEnd)
    {
        BeginRead();
        try
        {
            var searchFrom = 0; // the bytes before it were searched and hold no whole separator
            while (true)
            {
                var window = _buffer.AsSpan(_start, Math.Min(BufferedCount, limit));
                var at = window[searchFrom..].IndexOf(separator.Span);
                if (at >= 0)
                {
                    return Take(searchFrom + at + separator.Length);
                }

                if (BufferedCount >= limit)
                {
                    throw new ReadLimitExceededException(limit);
                }

                searchFrom = Math.Max(0, window.Length - separator.Length + 1);
                var n = await _stream.ReceiveAsync(FreeSpace(1)); // only the stream's receive can be canceled here
                _end += n;
                if (n == 0)
                {
                    if (lastPieceAtEnd)
                    {
                        return Take(BufferedCount);
                    }

                    throw new IncompleteReadException(Buffered.ToArray(), expectedLength: null);
                }
            }
        }
        finally
        {
            _reading = false;
        }
    }

    private async Coroutine<int> ReadAtLeastCoreAsync(Memory<byte> buffer, int minimumBytes, bool throwOnEndOfStream)
    {
        BeginRead();
        try
        {
            var buffered = BufferedCount;
            if (buffered >= minimumBytes)
            {
                var n = Math.Min(buffered, buffer.Length);
                _buffer.AsSpan(_start, n).CopyTo(buffer.Span);
                Advance(n);
                return n;
            }

            // Receive the rest straight into the caller's buffer, behind room for the buffered prefix.
            var got = buffered;
            var ended = false;
            try
            {
                while (got < minimumBytes)
                {
                    var n = await _stream.ReceiveAsync(buffer[got..]);
                    if (n == 0)
                    {
                        ended = true;
                        break;
                    }

                    got += n;
                }
            }
            catch (Exception)
            {
                Append(buffer.Span[buffered..got]); // consume nothing: the bytes go behind the prefix
                throw;
            }

            if (ended && throwOnEndOfStream)
            {
                Append(buffer.Span[buffered..got]);
                throw new IncompleteReadException(Buffered.ToArray(), minimumBytes);
            }

            _buffer.AsSpan(_start, buffered).CopyTo(buffer.Span);
            Advance(buffered);
            return got;
        }
        finally
        {
            _reading = false;
        }
    }

    private void BeginRead()
    {
        Core.LoopAffinity.BindForWait(ref _loop, this);
        if (_reading)
        {
            throw Busy();
        }

        if (_closed)
        {
            throw new ObjectDisposedException(nameof(ByteStreamReader), "The reader was closed (CloseAsync or Abort).");
        }

        _reading = true;
    }

    private byte[] Take(int count)
    {
        var result = _buffer.AsSpan(_start, count).ToArray();
        Advance(count);
        return result;
    }

    private void Advance(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        bytes.CopyTo(FreeSpace(bytes.Length).Span);
        _end += bytes.Length;
    }

    /// <summary>The free end of the buffer, at least <paramref name="atLeast"/> bytes: the buffered
    /// bytes move to the front when less than a quarter is free, and the buffer doubles when more
    /// than half of it is buffered.</summary>
    private Memory<byte> FreeSpace(int atLeast)
    {
        if (_buffer.Length == 0)
        {
            _buffer = new byte[Math.Max(_bufferSize, atLeast)];
        }
        else if (_buffer.Length - _end < Math.Max(atLeast, _buffer.Length / 4))
        {
            var count = BufferedCount;
            var target = _buffer;
            if (count + atLeast > _buffer.Length || count > _buffer.Length / 2)
            {
                var size = Math.Max(count + atLeast, (int)Math.Min(_buffer.Length * 2L, Array.MaxLength));
                target = new byte[size];
            }

            _buffer.AsSpan(_start, count).CopyTo(target);
            _buffer = target;
            _start = 0;
            _end = count;
        }

        return _buffer.AsMemory(_end);
    }

    private void Release()
    {
        _closed = true;
        if (!_reading) // a read in progress fails on the closed stream and leaves its bytes here
        {
            _buffer = [];
            _start = _end = 0;
        }
    }

    private static InvalidOperationException Busy() =>
        new("Another task is already reading from this ByteStreamReader: it allows one read at a time.");
}
