// A System.IO.Stream over a ByteStream (ByteStream.AsStream), so that .NET code written against
// Stream runs over Coop's streams: SslStream (TlsStream.cs), StreamReader, compression streams.
//
// Each asynchronous call runs as a task of the loop (a coroutine needs a task to run in) and hands
// its outcome to a reusable ValueTask source, completed inside that task's step; the awaiting .NET
// code resumes inline, on the loop thread (LoopValueTaskSource.cs says why). So everything stays on
// the loop's one thread, which the calls check: called from another thread they throw, and the
// synchronous Read and Write throw always, since they would have to block the loop thread that
// alone can make them progress.
//
// Cancellation: the call's CancellationToken cancels its task; the ByteStream's receive is
// cancel-safe, so a canceled ReadAsync consumed nothing, and the OperationCanceledException it ends
// with is what SslStream expects from an inner stream whose token it canceled.
namespace Coop.Core;

internal sealed class StreamOverByteStream(ByteStream stream, bool leaveOpen) : Stream
{
    private readonly LoopValueTaskSource _read = new();
    private readonly LoopValueTaskSource _write = new();
    private EventLoop? _loop;
    private bool _disposed;

    /// <summary>The byte stream this stream reads and writes.</summary>
    public ByteStream Inner => stream;

    public override bool CanRead => !_disposed;

    public override bool CanWrite => !_disposed;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("A byte stream has no length: it is not seekable.");

    public override long Position
    {
        get => throw new NotSupportedException("A byte stream has no position: it is not seekable.");
        set => throw new NotSupportedException("A byte stream has no position: it is not seekable.");
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var loop = Begin(_read, "read");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        loop.CreateTask(ReceiveAsync(buffer), cancellationToken: cancellationToken); // runs from the next pass on
        _read.Start();
        return new ValueTask<int>(_read, _read.Version);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var loop = Begin(_write, "write");
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        loop.CreateTask(SendAsync(buffer), cancellationToken: cancellationToken);
        _write.Start();
        return new ValueTask(_write, _write.Version);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Nothing to flush: a ByteStream's send returns when the transport has the bytes.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw Blocking("Read");

    public override int Read(Span<byte> buffer) => throw Blocking("Read");

    public override void Write(byte[] buffer, int offset, int count) => throw Blocking("Write");

    public override void Write(ReadOnlySpan<byte> buffer) => throw Blocking("Write");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A byte stream is not seekable.");

    public override void SetLength(long value) => throw new NotSupportedException("A byte stream is not seekable.");

    /// <summary>Closes the byte stream (unless left open) and waits until it is closed.</summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (!_disposed && !leaveOpen)
            {
                var loop = LoopAffinity.Bind(ref _loop, this);
                _disposed = true;
                var closed = new TaskCompletionSource();
                _ = loop.CreateTask(CloseAsync(closed));
                await closed.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            _disposed = true;
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override string ToString() => $"<Stream over {stream}>";

    /// <summary>Marks this stream disposed and aborts the byte stream (unless left open): what a
    /// ByteStream made over this stream does when it is aborted, where Dispose would close gracefully.</summary>
    public void Abort()
    {
        _disposed = true;
        if (!leaveOpen)
        {
            stream.Abort();
        }
    }

    /// <summary>Starts closing the byte stream on the loop without waiting (a synchronous Dispose
    /// cannot wait for the loop it runs on); <see cref="DisposeAsync"/> waits.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (!leaveOpen)
            {
                LoopAffinity.Bind(ref _loop, this).CreateTask(stream.CloseAsync());
            }
        }

        base.Dispose(disposing);
    }

    private EventLoop Begin(LoopValueTaskSource source, string operation)
    {
        var loop = LoopAffinity.Bind(ref _loop, this);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (source.InUse)
        {
            throw new NotSupportedException($"Another {operation} is in progress on this stream: one {operation} at a time.");
        }

        return loop;
    }

    private async Coroutine ReceiveAsync(Memory<byte> buffer)
    {
        int n;
        try
        {
            n = await stream.ReceiveAsync(buffer);
        }
        catch (Exception e)
        {
            _read.SetException(e); // a CanceledException is an OperationCanceledException, as .NET expects
            return;
        }

        _read.SetResult(n);
    }

    private async Coroutine SendAsync(ReadOnlyMemory<byte> buffer)
    {
        try
        {
            await stream.SendAllAsync(buffer);
        }
        catch (Exception e)
        {
            _write.SetException(e);
            return;
        }

        _write.SetResult(0);
    }

    private async Coroutine CloseAsync(TaskCompletionSource closed)
    {
        try
        {
            await stream.CloseAsync();
        }
        catch (Exception e)
        {
            LoopValueTaskSource.Complete(static (closed, e) => closed.SetException(e), closed, e);
            return;
        }

        LoopValueTaskSource.Complete(static (closed, _) => closed.SetResult(), closed, 0);
    }

    private static NotSupportedException Blocking(string call) =>
        new($"Synchronous {call} is not supported on a Coop stream: it would block the event loop, and only the loop can " +
            $"make it progress. Use {call}Async from a coroutine on the loop's thread.");
}
