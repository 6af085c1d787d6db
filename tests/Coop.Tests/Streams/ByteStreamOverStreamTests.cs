using System.Collections.Concurrent;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Streams;

/// <summary>Both adapters stacked, <c>ByteStream.FromStream(pair.AsStream())</c>: every byte crosses
/// System.IO.Stream twice, and the contract must still hold.</summary>
public class StreamAdaptersContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect()
    {
        var (a, b) = StreamPair.CreateMemory();
        return Ready((ByteStream.FromStream(a.AsStream()), ByteStream.FromStream(b.AsStream())));
    }
}

public class ByteStreamOverStreamTests
{
    [Fact]
    public void FromStream_StreamThatCannotWrite_ThrowsArgument()
    {
        using var readOnly = new MemoryStream([1, 2, 3], writable: false);
        Assert.Throws<ArgumentException>(() => ByteStream.FromStream(readOnly));
    }

    [Fact]
    public void Receive_CompletedOnAnotherThread_ArrivesThroughTheLoop()
    {
        var stream = new ManualStream();
        var got = Run(async () =>
        {
            var coop = ByteStream.FromStream(stream);
            var buffer = new byte[10];
            var receive = EventLoop.Current.CreateTask(coop.ReceiveAsync(buffer));
            await Ticks(3);
            _ = Task.Run(() => stream.CompleteRead(Bytes("from afar")));
            var n = await receive;
            return Text(buffer.AsMemory(0, n));
        });
        Assert.Equal("from afar", got);
    }

    [Fact]
    public void Receive_CanceledWhileTheStreamsReadIsInFlight_TheBytesAreKeptForTheNextReceive()
    {
        var stream = new ManualStream();
        var got = Run(async () =>
        {
            var coop = ByteStream.FromStream(stream);
            var loop = EventLoop.Current;
            var receive = loop.CreateTask(coop.ReceiveAsync(new byte[10]));
            await Ticks(3);
            receive.Cancel();
            Assert.True(await Canceled(receive));
            Assert.Equal(1, stream.ReadsStarted); // the read goes on without a receive waiting
            await Coroutine.FromTask(Task.Run(() => stream.CompleteRead(Bytes("kept"))));
            var buffer = new byte[10];
            var n = await coop.ReceiveAsync(buffer);
            Assert.Equal(1, stream.ReadsStarted); // served from what the first read brought
            return Text(buffer.AsMemory(0, n));
        });
        Assert.Equal("kept", got);
    }

    [Fact]
    public void SendAll_CanceledWhileTheWriteIsInFlight_TheStreamNeverSeesTheCallersBufferAndSendsAreRefused()
    {
        var stream = new ManualStream();
        Run(async () =>
        {
            var coop = ByteStream.FromStream(stream);
            var data = Bytes("original");
            var send = EventLoop.Current.CreateTask(coop.SendAllAsync(data));
            await Ticks(3);
            send.Cancel();
            Assert.True(await Canceled(send));
            data.AsSpan().Fill((byte)'X'); // the caller reuses its buffer
            // The adapter cancels the write's token on the thread pool (foreign code's callbacks must
            // not run on the loop thread): wait for it in real time.
            Assert.True(await Wait(Coroutine.FromTask(Task.Run(() =>
                SpinWait.SpinUntil(() => stream.WriteToken.IsCancellationRequested, TimeSpan.FromSeconds(10))))));
            Assert.Equal("original", Text(stream.PendingWrite.ToArray()));
            Assert.IsType<InvalidOperationException>(await Failure(coop.SendAllAsync(Bytes("more"))));
        });
    }

    [Fact]
    public void SendEof_OverAStreamWithNoHalfClose_ThrowsNotSupported()
    {
        Run(async () =>
        {
            var coop = ByteStream.FromStream(new ManualStream());
            Assert.IsType<NotSupportedException>(await Failure(coop.SendEofAsync()));
        });
    }

    [Fact]
    public void Abort_DisposesTheStreamUnlessLeftOpen()
    {
        var owned = new ManualStream();
        var kept = new ManualStream();
        Run(async () =>
        {
            ByteStream.FromStream(owned).Abort();
            var open = ByteStream.FromStream(kept, leaveOpen: true);
            await open.CloseAsync();
            Assert.IsType<ObjectDisposedException>(await Failure(open.ReceiveAsync(new byte[1])));
        });
        Assert.True(owned.Disposed);
        Assert.False(kept.Disposed);
    }

    /// <summary>A stream whose reads and writes complete when the test says, from any thread.</summary>
    private sealed class ManualStream : Stream
    {
        private readonly ConcurrentQueue<(Memory<byte> Buffer, TaskCompletionSource<int> Done)> _reads = new();

        public int ReadsStarted { get; private set; }

        public ReadOnlyMemory<byte> PendingWrite { get; private set; }

        public CancellationToken WriteToken { get; private set; }

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void CompleteRead(byte[] data)
        {
            Assert.True(_reads.TryDequeue(out var read));
            data.CopyTo(read.Buffer);
            read.Done.SetResult(data.Length);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ReadsStarted++;
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _reads.Enqueue((buffer, done));
            return new ValueTask<int>(done.Task); // completes on the thread pool
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            PendingWrite = buffer; // held, as a stream writing in the background holds it
            WriteToken = cancellationToken;
            return new ValueTask(Task.Delay(Timeout.Infinite, cancellationToken));
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
