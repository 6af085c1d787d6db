using Coop.Tests.Support;
using CsCheck;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Streams;

public class ByteStreamReaderContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect()
    {
        var (a, b) = StreamPair.CreateMemory(capacity: 1000);
        return Ready<(ByteStream, ByteStream)>((new ByteStreamReader(a, bufferSize: 16), new ByteStreamReader(b, bufferSize: 16)));
    }
}

public class ByteStreamReaderTests
{
    private static readonly byte[] Crlf2 = Bytes("\r\n\r\n");

    /// <summary>Runs <paramref name="test"/> with a reader whose peer sends <paramref name="data"/> (in
    /// pieces of <paramref name="capacity"/> bytes at most) and then EOF.</summary>
    private static void WithPeer(string data, Func<ByteStreamReader, Coroutine> test, int capacity = StreamPair.DefaultCapacity) =>
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity);
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, Bytes(data)));
            await test(new ByteStreamReader(b));
            await sender;
        });

    [Fact]
    public void ReadLine_ReturnsEachLineWithItsNewlineThenTheLastPieceThenEmpty()
    {
        WithPeer("one\ntwo\r\nthree", async reader =>
        {
            Assert.Equal("one\n", Text(await reader.ReadLineAsync()));
            Assert.Equal("two\r\n", Text(await reader.ReadLineAsync()));
            Assert.Equal("three", Text(await reader.ReadLineAsync()));
            Assert.Empty(await reader.ReadLineAsync());
            Assert.Empty(await reader.ReadLineAsync());
        });
    }

    [Fact]
    public void ReadLine_BytesArriveOneAtATime_LinesAreWhole()
    {
        WithPeer("alpha\nbeta\n", async reader =>
        {
            Assert.Equal("alpha\n", Text(await reader.ReadLineAsync()));
            Assert.Equal("beta\n", Text(await reader.ReadLineAsync()));
        }, capacity: 1);
    }

    [Fact]
    public void ReadUntil_SeparatorSplitAcrossReceives_IsFound()
    {
        WithPeer("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody", async reader =>
        {
            Assert.Equal("GET / HTTP/1.1\r\nHost: x\r\n\r\n", Text(await reader.ReadUntilAsync(Crlf2)));
            Assert.Equal("body", Text(await ReceiveToEnd(reader)));
        }, capacity: 1);
    }

    [Fact]
    public void ReadUntil_SeparatorEndingExactlyAtTheLimit_Succeeds()
    {
        WithPeer("12345678\r\n\r\n", async reader =>
            Assert.Equal(12, (await reader.ReadUntilAsync(Crlf2, limit: 12)).Length));
    }

    [Fact]
    public void ReadLine_LongerThanTheLimit_ThrowsAndConsumesNothing()
    {
        WithPeer("0123456789abc\nok\n", async reader =>
        {
            var error = Assert.IsType<ReadLimitExceededException>(await Failure(reader.ReadLineAsync(limit: 10)));
            Assert.Equal(10, error.Limit);
            Assert.True(reader.BufferedCount >= 10);
            Assert.StartsWith("0123456789", Text(reader.Buffered), StringComparison.Ordinal);

            // The documented way on: read the long line with a larger limit (or skip it, or close).
            Assert.Equal("0123456789abc\n", Text(await reader.ReadLineAsync(limit: 100)));
            Assert.Equal("ok\n", Text(await reader.ReadLineAsync()));
        }, capacity: 3);
    }

    [Fact]
    public void ReadUntil_SeparatorBeyondTheLimit_ThrowsEvenThoughItArrived()
    {
        WithPeer("abcdefgh|", async reader =>
        {
            await reader.FillAsync(); // all nine bytes are buffered
            Assert.IsType<ReadLimitExceededException>(await Failure(reader.ReadUntilAsync(Bytes("|"), limit: 5)));
            Assert.Equal("abcdefgh|", Text(await reader.ReadUntilAsync(Bytes("|"), limit: 9)));
        });
    }

    [Fact]
    public void ReadUntil_EndOfStreamFirst_ThrowsIncompleteReadWithThePartialDataAndKeepsIt()
    {
        WithPeer("no separator here", async reader =>
        {
            var error = Assert.IsType<IncompleteReadException>(await Failure(reader.ReadUntilAsync(Crlf2)));
            Assert.Equal("no separator here", Text(error.PartialData));
            Assert.Null(error.ExpectedLength);
            Assert.IsAssignableFrom<EndOfStreamException>(error);
            Assert.Equal("no separator here", Text(await ReceiveToEnd(reader)));
        });
    }

    [Fact]
    public void ReadExactly_ReturnsThatManyAndLeavesTheRestBuffered()
    {
        WithPeer("abcdefgh\n", async reader =>
        {
            var three = new byte[3];
            await reader.ReadExactlyAsync(three);
            Assert.Equal("abc", Text(three));
            Assert.Equal("defgh\n", Text(await reader.ReadLineAsync()));
        }, capacity: 2);
    }

    [Fact]
    public void ReadExactly_EndOfStreamPartWay_ThrowsIncompleteReadAndConsumesNothing()
    {
        WithPeer("only seven", async reader =>
        {
            Assert.Equal("only", Text(await reader.ReadUntilAsync(Bytes("y"))));
            var error = Assert.IsType<IncompleteReadException>(await Failure(reader.ReadExactlyAsync(new byte[100])));
            Assert.Equal(" seven", Text(error.PartialData));
            Assert.Equal(100, error.ExpectedLength);
            Assert.Equal(" seven", Text(await ReceiveToEnd(reader)));
        }, capacity: 4);
    }

    [Fact]
    public void ReadAtLeast_ReturnsTheMinimumOrMoreAndAtTheEndWhatIsLeftWhenAsked()
    {
        WithPeer("0123456789", async reader =>
        {
            var buffer = new byte[8];
            var n = await reader.ReadAtLeastAsync(buffer, 3);
            Assert.InRange(n, 3, 8);
            Assert.Equal("01234567"[..n], Text(buffer.AsMemory(0, n)));
            var rest = new byte[20];
            var m = await reader.ReadAtLeastAsync(rest, 20, throwOnEndOfStream: false);
            Assert.Equal("0123456789"[n..], Text(rest.AsMemory(0, m)));
        }, capacity: 2);
    }

    [Fact]
    public void Arguments_OutOfRange_ThrowWhenCalled()
    {
        var reader = new ByteStreamReader(StreamPair.CreateMemory().Left);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadAtLeastAsync(new byte[2], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadAtLeastAsync(new byte[2], -1));
        Assert.Throws<ArgumentException>(() => reader.ReadUntilAsync(ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadUntilAsync(Crlf2, limit: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadLineAsync(limit: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteStreamReader(StreamPair.CreateMemory().Left, bufferSize: 0));
        Assert.Throws<ArgumentNullException>(() => new ByteStreamReader(null!));
    }

    [Fact]
    public void Receive_TakesBufferedBytesFirstThenFromTheStream()
    {
        WithPeer("head\nrest of it", async reader =>
        {
            Assert.Equal("head\n", Text(await reader.ReadLineAsync()));
            Assert.Equal("rest of it", Text(await ReceiveToEnd(reader, chunk: 3)));
        }, capacity: 7);
    }

    [Fact]
    public void FillBufferedConsume_ParseLengthPrefixedFramesInPlace()
    {
        // Frames of one length byte then the payload, parsed without copying them out.
        WithPeer("\u0003abc\u0001d\u0004efgh", async reader =>
        {
            var frames = new List<string>();
            while (true)
            {
                if (reader.BufferedCount > 0 && reader.BufferedCount > reader.Buffered.Span[0])
                {
                    var length = reader.Buffered.Span[0];
                    frames.Add(Text(reader.Buffered.Slice(1, length)));
                    reader.Consume(1 + length);
                }
                else if (await reader.FillAsync() == 0)
                {
                    break;
                }
            }

            Assert.Equal(["abc", "d", "efgh"], frames);
            Assert.Equal(0, reader.BufferedCount);
        }, capacity: 2);
    }

    [Fact]
    public void Consume_MoreThanBufferedOrDuringARead_Throws()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var reader = new ByteStreamReader(b);
            Assert.Throws<ArgumentOutOfRangeException>(() => reader.Consume(1));
            var read = EventLoop.Current.CreateTask(reader.ReadLineAsync());
            await Ticks(3);
            Assert.Throws<InvalidOperationException>(() => reader.Consume(0));
            Assert.IsType<InvalidOperationException>(await Failure(reader.ReadLineAsync()));
            var sender = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("x\n")));
            Assert.Equal("x\n", Text(await read));
            await sender;
        });
    }

    [Fact]
    public void ReadLine_CanceledHalfWayThroughALine_TheNextReadGetsTheWholeLine()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var reader = new ByteStreamReader(b);
            var loop = EventLoop.Current;
            await a.SendAllAsync(Bytes("first ha"));
            var read = loop.CreateTask(reader.ReadLineAsync());
            await Ticks(5);
            read.Cancel();
            Assert.True(await Canceled(read));
            Assert.Equal(8, reader.BufferedCount); // what it had received stays
            await a.SendAllAsync(Bytes("lf\n"));
            Assert.Equal("first half\n", Text(await reader.ReadLineAsync()));
        });
    }

    [Fact]
    public void ReadExactly_CanceledAfterReceivingIntoTheCallersBuffer_TheBytesStayInTheReader()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var reader = new ByteStreamReader(b);
            var loop = EventLoop.Current;
            var data = Pattern(12);
            await a.SendAllAsync(data.AsMemory(0, 4));
            await reader.FillAsync(); // a buffered prefix; what follows goes straight into the caller's buffer
            var read = loop.CreateTask(reader.ReadExactlyAsync(new byte[20]));
            await Ticks(3);
            await a.SendAllAsync(data.AsMemory(4, 4));
            await Ticks(3);
            await a.SendAllAsync(data.AsMemory(8));
            await Ticks(5);
            Assert.False(read.IsDone);
            read.Cancel();
            Assert.True(await Canceled(read));
            Assert.Equal(12, reader.BufferedCount);
            var all = new byte[12];
            await reader.ReadExactlyAsync(all);
            Assert.Equal(Pattern(12), all);
        });
    }

    [Fact]
    public void ReadUntil_TimesOut_TheNextReadGetsEverything()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            var reader = new ByteStreamReader(b);
            var sender = EventLoop.Current.CreateTask(Dribble(a));
            Assert.IsType<TimeoutException>(await Failure(Coroutine.WaitFor(reader.ReadUntilAsync(Crlf2), 2.5)));
            Assert.Equal("a\r\nb\r\n\r\n", Text(await reader.ReadUntilAsync(Crlf2)));
            await sender;
        });

        static async Coroutine Dribble(ByteStream s)
        {
            foreach (var piece in new[] { "a\r", "\nb", "\r\n", "\r\n" })
            {
                await s.SendAllAsync(Bytes(piece));
                await Coroutine.Sleep(1);
            }
        }
    }

    [Fact]
    public void Close_DropsTheBufferAndLaterReadsThrowObjectDisposed()
    {
        WithPeer("buffered\nmore", async reader =>
        {
            await reader.FillAsync();
            await reader.CloseAsync();
            Assert.Equal(0, reader.BufferedCount);
            Assert.IsType<ObjectDisposedException>(await Failure(reader.ReadLineAsync()));
            Assert.IsType<ObjectDisposedException>(await Failure(reader.Stream.ReceiveAsync(new byte[1])));
        });
    }

    [Fact]
    public void Reads_CanceledAtEachAwaitPoint_NothingIsLostOrDuplicated()
    {
        var lines = Enumerable.Range(0, 30).Select(i => $"line {i}\n").ToArray();
        var data = Bytes(string.Concat(lines) + "tail12345");
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 5);
            var reader = new ByteStreamReader(b, bufferSize: 4);
            var loop = EventLoop.Current;
            var got = new List<byte>();
            var sender = loop.CreateTask(SendInPieces(a, data, piece: 7));
            var consumer = loop.CreateTask(Consume(reader, got, lines.Length), "reader");
            await Canceled(consumer);
            got.AddRange(await ReceiveToEnd(reader)); // what the canceled reads left buffered, and the rest
            await sender;
            if (!got.SequenceEqual(data))
            {
                throw new InvalidOperationException($"got '{Text(got.ToArray())}'");
            }
        }, target: "reader"));
        Assert.True(points >= 30, $"only {points} await points");

        static async Coroutine Consume(ByteStreamReader reader, List<byte> into, int count)
        {
            for (var i = 0; i < count; i += 2)
            {
                into.AddRange(await reader.ReadLineAsync());
                var exact = new byte["line 1\n".Length + (i + 1 >= 10 ? 1 : 0)];
                await reader.ReadExactlyAsync(exact);
                into.AddRange(exact);
            }

            var tail = new byte[9];
            var n = await reader.ReadAtLeastAsync(tail, 9);
            into.AddRange(tail.AsSpan(0, n));
        }
    }

    [Fact]
    public void Property_ReadsCanceledAtRandomPoints_MatchTheModelAndLoseNoByte()
    {
        Gen.Select(Gen.Int[1, 16], Gen.Int[1, 25], Gen.Int[0, 300], Gen.Int)
            .Sample((capacity, operations, length, seed) => ReaderModelCheck.Run(capacity, operations, length, seed), iter: 250);
    }
}
