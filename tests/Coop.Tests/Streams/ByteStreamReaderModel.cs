using Coop.Tests.Support;

namespace Coop.Tests.Streams;

/// <summary>
/// The property behind ByteStreamReaderTests: a peer sends random bytes in random pieces and at
/// random (virtual) times, through an in-memory pair of random capacity (so receives return random
/// chunks); the reader runs random reads, each in its own task, and a chaos step cancels some of them
/// at a random point: <c>task.Cancel()</c>, a cancel scope, or a <c>WaitFor</c> timeout. A small
/// model, written from the reader's documentation and not its code, knows the whole byte sequence
/// and the position the reader must be at: each read that completes must return what the model says
/// from that position (or the error it says), and each read that is canceled, times out or fails must
/// leave the position where it was. At the end the rest is drained and must be exactly the rest of
/// the sequence: nothing lost, nothing twice.
/// </summary>
internal static class ReaderModelCheck
{
    private static readonly byte[][] Separators = [StreamTest.Bytes("|"), StreamTest.Bytes("\r\n"), StreamTest.Bytes("ab")];
    private static readonly byte[] Alphabet = StreamTest.Bytes("ab|\r\nxy");

    public static void Run(int capacity, int operations, int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        var log = new List<string>();
        try
        {
            Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"capacity={capacity} operations={operations} length={length} seed={seed}\n" +
                $"data: {Escape(data)}\n{string.Join("\n", log)}", e);
        }

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var (a, b) = StreamPair.CreateMemory(capacity);
            var reader = new ByteStreamReader(b, bufferSize: random.Next(1, 32));
            var sender = loop.CreateTask(Send(a, data, random.Next()));
            var position = 0; // the model: bytes before it have been returned by completed reads

            for (var op = 0; op < operations; op++)
            {
                var read = NextRead(random, reader);
                var scope = new CancelScope();
                var mode = random.Next(4); // 0: run to the end, 1: task.Cancel, 2: scope.Cancel, 3: WaitFor timeout
                var body = mode switch
                {
                    2 => ScopeRun(scope, read.Start),
                    3 => Timed(read.Start, random.Next(1, 4) - 0.5),
                    _ => read.Start(),
                };
                var task = loop.CreateTask(body);
                if (mode is 1 or 2)
                {
                    await StreamTest.Ticks(random.Next(0, 8));
                    if (mode == 1)
                    {
                        task.Cancel();
                    }
                    else
                    {
                        scope.Cancel();
                    }
                }

                Outcome outcome;
                try
                {
                    outcome = await task;
                }
                catch (CanceledException)
                {
                    outcome = Outcome.Stopped;
                }

                log.Add($"{read.Name} at {position}: {outcome}");
                position = read.Check(data, position, outcome);

                if (random.Next(5) == 0 && reader.BufferedCount > 0)
                {
                    var k = random.Next(0, reader.BufferedCount + 1);
                    Expect(data.AsSpan(position, k).SequenceEqual(reader.Buffered.Span[..k]), $"Buffered[..{k}] at {position}");
                    reader.Consume(k);
                    log.Add($"Consume({k}) at {position}");
                    position += k;
                }
            }

            var rest = await StreamTest.ReceiveToEnd(reader, chunk: 7);
            Expect(data.AsSpan(position).SequenceEqual(rest), $"the rest after {position}: {Escape(rest)}");
            await sender;
        }
    }

    private static async Coroutine Send(ByteStream stream, byte[] data, int seed)
    {
        var random = new Random(seed);
        var sent = 0;
        while (sent < data.Length)
        {
            var n = Math.Min(random.Next(1, 20), data.Length - sent);
            await stream.SendAllAsync(data.AsMemory(sent, n));
            sent += n;
            if (random.Next(4) == 0)
            {
                await Coroutine.Sleep(random.Next(1, 3));
            }
            else
            {
                await StreamTest.Ticks(random.Next(0, 3));
            }
        }

        await stream.SendEofAsync();
    }

    private static Coroutine<Outcome> ScopeRun(CancelScope scope, Func<Coroutine<Outcome>> start) =>
        Wrap(scope.Run(_ => start()));

    private static async Coroutine<Outcome> Wrap(Coroutine<Outcome?> scoped) => await scoped ?? Outcome.Stopped;

    private static async Coroutine<Outcome> Timed(Func<Coroutine<Outcome>> start, double seconds)
    {
        try
        {
            return await Coroutine.WaitFor(start(), seconds);
        }
        catch (TimeoutException)
        {
            return Outcome.Stopped;
        }
    }

    private static ReadOperation NextRead(Random random, ByteStreamReader reader)
    {
        switch (random.Next(6))
        {
            case 0:
            {
                var limit = random.Next(1, 40);
                return new ReadOperation($"ReadLine(limit {limit})",
                    () => Capture(async () => await reader.ReadLineAsync(limit)),
                    (data, at) => ExpectedUntil(data, at, StreamTest.Bytes("\n"), limit, lastPieceAtEnd: true));
            }

            case 1:
            {
                var separator = Separators[random.Next(Separators.Length)];
                var limit = random.Next(separator.Length, 40);
                return new ReadOperation($"ReadUntil({Escape(separator)}, limit {limit})",
                    () => Capture(async () => await reader.ReadUntilAsync(separator, limit)),
                    (data, at) => ExpectedUntil(data, at, separator, limit, lastPieceAtEnd: false));
            }

            case 2:
            {
                var count = random.Next(0, 20);
                return new ReadOperation($"ReadExactly({count})",
                    () => Capture(async () =>
                    {
                        var buffer = new byte[count];
                        await reader.ReadExactlyAsync(buffer);
                        return buffer;
                    }),
                    (data, at) => data.Length - at >= count
                        ? Outcome.Bytes(data.AsSpan(at, count).ToArray())
                        : Outcome.Incomplete(data.AsSpan(at).ToArray()));
            }

            case 3:
            {
                var minimum = random.Next(0, 10);
                var size = random.Next(minimum, 20);
                var strict = random.Next(2) == 0;
                return new ReadOperation($"ReadAtLeast({minimum}, buffer {size}, throw {strict})",
                    () => Capture(async () =>
                    {
                        var buffer = new byte[size];
                        var n = await reader.ReadAtLeastAsync(buffer, minimum, strict);
                        return buffer[..n];
                    }),
                    (data, at) => data.Length - at < minimum
                        ? strict ? Outcome.Incomplete(data.AsSpan(at).ToArray()) : Outcome.Bytes(data.AsSpan(at).ToArray())
                        : Outcome.Between(minimum, size));
            }

            case 4:
            {
                var size = random.Next(0, 20);
                return new ReadOperation($"Receive({size})",
                    () => Capture(async () =>
                    {
                        var buffer = new byte[size];
                        var n = await reader.ReceiveAsync(buffer);
                        return buffer[..n];
                    }),
                    (data, at) => data.Length == at || size == 0 ? Outcome.Bytes([]) : Outcome.Between(1, size));
            }

            default:
                return new ReadOperation("Fill",
                    () => Capture(async () =>
                    {
                        await reader.FillAsync();
                        return [];
                    }),
                    (_, _) => Outcome.Bytes([])); // it only buffers: the position does not move
        }
    }

    /// <summary>What ReadUntil (or ReadLine) must do from <paramref name="at"/>, by its documentation.</summary>
    private static Outcome ExpectedUntil(byte[] data, int at, byte[] separator, int limit, bool lastPieceAtEnd)
    {
        var rest = data.AsSpan(at);
        var found = rest.IndexOf(separator);
        if (found >= 0 && found + separator.Length <= limit)
        {
            return Outcome.Bytes(rest[..(found + separator.Length)].ToArray());
        }

        if (rest.Length >= limit)
        {
            return Outcome.LimitExceeded;
        }

        return lastPieceAtEnd ? Outcome.Bytes(rest.ToArray()) : Outcome.Incomplete(rest.ToArray());
    }

    private static async Coroutine<Outcome> Capture(Func<Coroutine<byte[]>> read)
    {
        try
        {
            return Outcome.Bytes(await read());
        }
        catch (ReadLimitExceededException)
        {
            return Outcome.LimitExceeded;
        }
        catch (IncompleteReadException e)
        {
            return Outcome.Incomplete(e.PartialData.ToArray());
        }
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The reader disagrees with the model: {what}");
        }
    }

    private static string Escape(ReadOnlySpan<byte> bytes) =>
        StreamTest.Text(bytes.ToArray()).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>One read: how to start it, and what the model expects from a position.</summary>
    private sealed record ReadOperation(string Name, Func<Coroutine<Outcome>> Start, Func<byte[], int, Outcome> Expected)
    {
        /// <summary>Checks <paramref name="actual"/> against the model at <paramref name="at"/>; returns the new position.</summary>
        public int Check(byte[] data, int at, Outcome actual)
        {
            if (actual.Kind == OutcomeKind.Stopped)
            {
                return at; // canceled or timed out: nothing consumed
            }

            var expected = Expected(data, at);
            switch (expected.Kind)
            {
                case OutcomeKind.Between:
                    Expect(actual.Kind == OutcomeKind.Bytes && actual.Data!.Length >= expected.Minimum && actual.Data.Length <= expected.Maximum
                        && at + actual.Data.Length <= data.Length,
                        $"{Name} at {at}: {actual}, expected {expected.Minimum}..{expected.Maximum} bytes");
                    Expect(data.AsSpan(at, actual.Data!.Length).SequenceEqual(actual.Data), $"{Name} at {at}: wrong bytes {actual}");
                    return at + actual.Data.Length;
                case OutcomeKind.Bytes:
                    Expect(actual.Kind == OutcomeKind.Bytes && actual.Data!.AsSpan().SequenceEqual(expected.Data),
                        $"{Name} at {at}: {actual}, expected {expected}");
                    return at + expected.Data!.Length;
                default:
                    Expect(actual.Kind == expected.Kind && (expected.Data == null || actual.Data!.AsSpan().SequenceEqual(expected.Data)),
                        $"{Name} at {at}: {actual}, expected {expected}");
                    return at; // a failed read consumes nothing
            }
        }
    }

    private enum OutcomeKind { Bytes, Between, LimitExceeded, Incomplete, Stopped }

    private sealed record Outcome(OutcomeKind Kind, byte[]? Data = null, int Minimum = 0, int Maximum = 0)
    {
        public static readonly Outcome LimitExceeded = new(OutcomeKind.LimitExceeded);
        public static readonly Outcome Stopped = new(OutcomeKind.Stopped);

        public static Outcome Bytes(byte[] data) => new(OutcomeKind.Bytes, data);

        public static Outcome Incomplete(byte[] partial) => new(OutcomeKind.Incomplete, partial);

        public static Outcome Between(int minimum, int maximum) => new(OutcomeKind.Between, null, minimum, maximum);

        public override string ToString() => Kind switch
        {
            OutcomeKind.Bytes or OutcomeKind.Incomplete => $"{Kind} '{Escape(Data)}'",
            OutcomeKind.Between => $"{Minimum}..{Maximum} bytes",
            _ => Kind.ToString(),
        };
    }
}
