using System.IO.Compression;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Streams;

public class StreamOverByteStreamTests
{
    [Fact]
    public void StreamReader_OverAsStream_ReadsTextLines()
    {
        var lines = Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 3);
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, System.Text.Encoding.UTF8.GetBytes("héllo\nwörld\n")));
            using var text = new StreamReader(b.AsStream());
            var got = new List<string?> { await text.ReadLineAsync(), await text.ReadLineAsync(), await text.ReadLineAsync() };
            await sender;
            return got;
        });
        Assert.Equal(["héllo", "wörld", null], lines);
    }

    [Fact]
    public void GZipStreams_OverAPair_RoundTripAndDisposeAsyncClosesTheStream()
    {
        var data = Pattern(100_000);
        var got = Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 1000);
            var loop = EventLoop.Current;
            var compress = loop.CreateTask(Compress(a, data));
            var result = new MemoryStream();
            await using (var unzip = new GZipStream(b.AsStream(), CompressionMode.Decompress))
            {
                await unzip.CopyToAsync(result);
            }

            await compress;
            return result.ToArray();
        });
        Assert.Equal(data, got);

        static async Coroutine Compress(ByteStream s, byte[] data)
        {
            var zip = new GZipStream(s.AsStream(), CompressionLevel.Fastest);
            await zip.WriteAsync(data);
            await zip.DisposeAsync(); // writes the trailer, then closes the byte stream: the peer sees the end
        }
    }

    [Fact]
    public void SynchronousReadAndWrite_ThrowNotSupportedSayingWhy()
    {
        var stream = StreamPair.CreateMemory().Left.AsStream();
        var read = Assert.Throws<NotSupportedException>(() => stream.Read(new byte[1], 0, 1));
        Assert.Contains("block the event loop", read.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => stream.ReadByte());
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Write([1]));
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.False(stream.CanSeek);
        stream.Flush(); // nothing to flush: allowed
    }

    [Fact]
    public void ReadAsync_FromAnotherThread_ThrowsInvalidOperation()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var stream = b.AsStream();
            var sender = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("x")));
            await stream.ReadExactlyAsync(new byte[1]); // binds it to this loop
            await sender;
            var error = await Task.Run(() => Record.Exception(() => { var read = stream.ReadAsync(new byte[1]).AsTask(); }));
            Assert.IsType<InvalidOperationException>(error);
        });
    }

    [Fact]
    public void ReadAsync_AwaitedWithConfigureAwaitFalse_ResumesInlineOnTheLoopThread()
    {
        var (loopThread, resumedOn, resumedInLoop) = Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var sender = EventLoop.Current.CreateTask(SendLater(a));
            var seen = await ReadLikeSslStream(b.AsStream());
            await sender;
            return (Environment.CurrentManagedThreadId, seen.Thread, seen.InLoop);
        });
        Assert.Equal(loopThread, resumedOn);
        Assert.True(resumedInLoop);

        static async Coroutine SendLater(ByteStream s)
        {
            await Ticks(5); // not a sleep: while main waits on a .NET Task, a virtual clock waits for real
            await s.SendAllAsync(Bytes("x"));
        }

        // What SslStream does: an async method that awaits its inner stream with ConfigureAwait(false).
        static async Task<(int Thread, bool InLoop)> ReadLikeSslStream(Stream inner)
        {
            await inner.ReadAsync(new byte[1]).ConfigureAwait(false);
            return (Environment.CurrentManagedThreadId, EventLoop.CurrentOrNull != null);
        }
    }

    [Fact]
    public void ReadAsync_TokenCanceled_ConsumesNothing()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var stream = b.AsStream();
            using var cts = new CancellationTokenSource();
            var pending = stream.ReadAsync(new byte[10], cts.Token).AsTask();
            await Ticks(3);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, Bytes("all of it")));
            Assert.Equal("all of it", Text(await ReceiveToEnd(b)));
            await sender;
        });
    }

    [Fact]
    public void ReadAsync_WhileAnotherIsInProgress_ThrowsNotSupported()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var stream = b.AsStream();
            var first = stream.ReadAsync(new byte[10]).AsTask();
            Assert.Throws<NotSupportedException>(() => { var second = stream.ReadAsync(new byte[10]).AsTask(); });
            await a.SendAllAsync(Bytes("x"));
            Assert.Equal(1, await first);
        });
    }

    [Fact]
    public void Dispose_StartsTheCloseAndThePeerSeesTheEnd()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var stream = a.AsStream();
            await stream.WriteAsync(Bytes("bye"));
            stream.Dispose();
            Assert.False(stream.CanRead);
            Assert.Equal("bye", Text(await ReceiveToEnd(b)));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.ReadAsync(new byte[1]).AsTask());
        });
    }

    [Fact]
    public void DisposeAsync_LeaveOpen_KeepsTheByteStreamOpen()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            await a.AsStream(leaveOpen: true).DisposeAsync();
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, Bytes("still open")));
            Assert.Equal("still open", Text(await ReceiveToEnd(b)));
            await sender;
        });
    }
}
