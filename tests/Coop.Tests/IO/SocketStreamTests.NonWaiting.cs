using System.Net.Sockets;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>SocketStream's non-waiting calls (TryReceive, TrySend) and its waits (WaitReadableAsync,
/// WaitWritableAsync), mostly from generator coroutines, which yield the waits: the same contract on
/// each poller.</summary>
public abstract partial class SocketStreamTests
{
    [Fact]
    public void TryReceive_NothingQueued_ReturnsFalseAndWaitReadableWakesWhenBytesArrive()
    {
        var (first, waitedPending, received) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var state = (first: true, pending: false, text: "");
            var reader = loop.CreateTask(Reader());
            await Coroutine.Sleep(0.01);
            Assert.False(reader.IsDone);
            await client.SendAllAsync("hello"u8.ToArray());
            await reader;
            client.Abort();
            server.Abort();
            return state;

            IEnumerable<object?> Reader()
            {
                var buffer = new byte[16];
                state.first = server.TryReceive(buffer, out _);
                var wait = server.WaitReadableAsync();
                state.pending = !wait.IsDone;
                yield return wait;
                int n;
                while (!server.TryReceive(buffer, out n))
                {
                    yield return server.WaitReadableAsync();
                }

                state.text = System.Text.Encoding.ASCII.GetString(buffer, 0, n);
            }
        });
        Assert.False(first);
        Assert.True(waitedPending, "after a try that found nothing, the wait must wait for data");
        Assert.Equal("hello", received);
    }

    [Fact]
    public void TryReceive_PeerSentEof_ReturnsTrueWithZero()
    {
        var n = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.SendEofAsync();
            var count = -1;
            await EventLoop.Current.CreateTask(UntilReceived(server, new byte[8], c => count = c));
            client.Abort();
            server.Abort();
            return count;
        });
        Assert.Equal(0, n);
    }

    [Fact]
    public void TryReceive_PeerReset_ThrowsIOExceptionAroundConnectionReset()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            client.Abort();
            var failure = await Failure(EventLoop.Current.CreateTask(UntilReceived(server, new byte[8], _ => { })));
            server.Abort();
            return failure;
        });
        var reset = Assert.IsType<SocketException>(Assert.IsType<IOException>(error).InnerException);
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
    }

    [Fact]
    public void TryReceive_EmptyBuffer_ThrowsArgumentException()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var failure = Record.Exception(() => server.TryReceive(Span<byte>.Empty, out _));
            client.Abort();
            server.Abort();
            return failure;
        });
        Assert.IsType<ArgumentException>(error);
        Assert.Contains("WaitReadableAsync", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonWaitingCalls_OnClosedStream_ThrowObjectDisposed()
    {
        var errors = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.CloseAsync();
            await server.CloseAsync();
            return new[]
            {
                Record.Exception(() => client.TryReceive(new byte[1], out _)),
                Record.Exception(() => client.TrySend(new byte[1], out _)),
                Record.Exception(() => client.WaitReadableAsync()),
                Record.Exception(() => client.WaitWritableAsync()),
            };
        });
        Assert.All(errors, e => Assert.IsType<ObjectDisposedException>(e));
    }

    [Fact]
    public void NonWaitingCalls_FromAnotherThread_FailClearly()
    {
        var errors = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var found = await Coroutine.ToThread(() => new[]
            {
                Record.Exception(() => server.TryReceive(new byte[1], out _)),
                Record.Exception(() => server.TrySend(new byte[1], out _)),
                Record.Exception(() => server.WaitReadableAsync()),
                Record.Exception(() => server.WaitWritableAsync()),
            });
            client.Abort();
            server.Abort();
            return found;
        });
        Assert.All(errors, e =>
        {
            Assert.IsType<InvalidOperationException>(e);
            Assert.Contains("another event loop", e!.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void WaitReadableAsync_FromAnotherLoop_FailsClearly()
    {
        using var first = new EventLoop(new EventLoopOptions { Poller = Poller });
        Bounded.Run(() =>
        {
            var (stream, peer) = first.RunUntilComplete(ConnectedPair());
            var error = Bounded.Run(() => EventLoop.Run(Attempt(stream), new EventLoopOptions { Poller = Poller }));
            Assert.IsType<InvalidOperationException>(error);
            first.RunUntilComplete(Close(stream, peer));
        });

        static async Coroutine Close(SocketStream a, SocketStream b)
        {
            await a.CloseAsync();
            await b.CloseAsync();
        }

        static async Coroutine<Exception?> Attempt(SocketStream stream)
        {
            await Coroutine.Yield();
            return Record.Exception(() => stream.WaitReadableAsync());
        }
    }

    [Fact]
    public void TryReceive_WhileAnotherTaskWaitsToReceive_FailsClearly()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var waiting = loop.CreateTask(server.ReceiveAsync(new byte[4]));
            await Coroutine.Sleep(0.01);
            var failure = Record.Exception(() => server.TryReceive(new byte[4], out _));
            var secondWait = Record.Exception(() => server.WaitReadableAsync());
            Assert.IsType<InvalidOperationException>(secondWait);
            await client.SendAllAsync("x"u8.ToArray());
            Assert.Equal(1, await waiting);
            client.Abort();
            server.Abort();
            return failure;
        });
        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("one task at a time", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WaitReadableAsync_CanceledWhileWaiting_LosesNoByte()
    {
        var got = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reader = loop.CreateTask(UntilReceived(server, new byte[16], _ => Assert.Fail("the canceled reader received")));
            await Coroutine.Sleep(0.01);
            reader.Cancel();
            Assert.IsType<CanceledException>(await Failure(reader));
            await client.SendAllAsync("abc"u8.ToArray());
            var back = await ReceiveExactly(server, 3); // the wait left its slot: a new receive may wait
            client.Abort();
            server.Abort();
            return back;
        });
        Assert.Equal("abc"u8.ToArray(), got);
    }

    [Fact]
    public void WaitReadableAsync_StreamClosedWhileWaiting_FailsWithObjectDisposed()
    {
        var error = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reader = loop.CreateTask(UntilReceived(server, new byte[16], _ => { }));
            await Coroutine.Sleep(0.01);
            server.Abort();
            var failure = await Failure(reader);
            client.Abort();
            return failure;
        });
        Assert.IsType<ObjectDisposedException>(error);
    }

    [Fact]
    public void TrySend_PeerNotReading_TakesWhatFitsThenWaitWritableWakesWhenPeerDrains()
    {
        var (accepted, refused, delivered) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var data = Pattern(64 * 1024 * 1024);
            var state = (taken: 0L, sawNoRoom: false);
            var sender = loop.CreateTask(SendAll());
            await Coroutine.Sleep(0.05); // the kernel's buffers fill
            Assert.False(sender.IsDone);
            var received = await ReceiveExactly(server, data.Length);
            await sender;
            client.Abort();
            server.Abort();
            return (state.taken, state.sawNoRoom, received.AsSpan().SequenceEqual(data));

            IEnumerable<object?> SendAll()
            {
                var rest = data.AsMemory();
                while (rest.Length > 0)
                {
                    if (client.TrySend(rest.Span, out var sent))
                    {
                        Assert.InRange(sent, 1, rest.Length);
                        state.taken += sent;
                        rest = rest[sent..];
                    }
                    else
                    {
                        state.sawNoRoom = true;
                        yield return client.WaitWritableAsync();
                    }
                }
            }
        });
        Assert.Equal(64L * 1024 * 1024, accepted);
        Assert.True(refused, "a peer that reads nothing must fill the buffers: TrySend must say so");
        Assert.True(delivered, "the peer must receive every byte TrySend reported, in order");
    }

    [Fact]
    public void WaitWritableAsync_CanceledWhileWaiting_SendsNothingAndStreamStaysUsable()
    {
        var (taken, delivered) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var chunk = new byte[64 * 1024];
            var total = 0L;
            var filler = loop.CreateTask(Fill());
            await Coroutine.Sleep(0.05);
            Assert.False(filler.IsDone); // parked in WaitWritableAsync
            filler.Cancel();
            Assert.IsType<CanceledException>(await Failure(filler));
            var draining = loop.CreateTask(ReceiveExactly(server, (int)total + 1));
            await client.SendAllAsync(new byte[] { 7 }); // a canceled wait broke nothing
            var got = await draining;
            client.Abort();
            server.Abort();
            return (total, got.Length);

            IEnumerable<object?> Fill()
            {
                while (true)
                {
                    if (client.TrySend(chunk, out var sent))
                    {
                        total += sent;
                    }
                    else
                    {
                        yield return client.WaitWritableAsync();
                    }
                }
            }
        });
        Assert.Equal(taken + 1, delivered);
    }

    [Fact]
    public void WaitWritableAsync_PeerHalfClosedAndNotReading_WaitsInsteadOfSpinning()
    {
        // The peer's EOF pins the edge hints set: a wait after a try that found no room must still
        // suspend (a done future would let the generator retry forever without yielding the loop).
        var (filling, taken) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            await client.SendEofAsync();
            await Coroutine.Sleep(0.01); // the server's poller sees the half-close
            var total = 0L;
            var waits = 0;
            var filler = loop.CreateTask(Fill());
            await Coroutine.Sleep(0.1); // reached only if the filler suspends
            var stillFilling = !filler.IsDone;
            filler.Cancel();
            await Coroutine.Wait([filler]);
            client.Abort();
            server.Abort();
            Assert.InRange(waits, 1, 1000);
            return (stillFilling, total);

            IEnumerable<object?> Fill()
            {
                while (true)
                {
                    if (server.TrySend(new byte[64 * 1024], out var sent))
                    {
                        total += sent;
                    }
                    else
                    {
                        waits++;
                        yield return server.WaitWritableAsync();
                    }
                }
            }
        }, TimeSpan.FromSeconds(20));
        Assert.True(filling);
        Assert.True(taken > 0);
    }

    [Fact]
    public void WaitReadableAsync_PeerSentAndClosedBeforeAnyTry_IsDoneAndTheBytesThenEofArrive()
    {
        var (first, second) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            await client.SendAllAsync("abc"u8.ToArray());
            await client.CloseAsync();
            await Coroutine.Sleep(0.01); // the edges for the data and the close come and go, unread
            var counts = (first: -1, second: -1);
            await EventLoop.Current.CreateTask(Read());
            server.Abort();
            return counts;

            IEnumerable<object?> Read()
            {
                var buffer = new byte[16];
                yield return server.WaitReadableAsync(); // no try first: it must not wait for an edge that will not come
                Assert.True(server.TryReceive(buffer, out counts.first));
                while (!server.TryReceive(buffer, out counts.second))
                {
                    yield return server.WaitReadableAsync();
                }
            }
        }, TimeSpan.FromSeconds(20));
        Assert.Equal(3, first);
        Assert.Equal(0, second);
    }

    [Fact]
    public void TrySend_AfterSendEofOrDuringSendAll_FailsClearly()
    {
        var (duringSendAll, afterEof) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var sending = loop.CreateTask(client.SendAllAsync(new byte[64 * 1024 * 1024]));
            await Coroutine.Sleep(0.05);
            Assert.False(sending.IsDone);
            var during = Record.Exception(() => client.TrySend(new byte[1], out _));
            sending.Cancel();
            await Failure(sending);
            var (other, peer) = await ConnectedPair();
            await other.SendEofAsync();
            var after = Record.Exception(() => other.TrySend(new byte[1], out _));
            foreach (var s in new[] { client, server, other, peer })
            {
                s.Abort();
            }

            return (during, after);
        });
        Assert.IsType<InvalidOperationException>(duringSendAll);
        Assert.Contains("another task is sending", duringSendAll!.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(afterEof);
        Assert.Contains("SendEofAsync", afterEof!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySend_EmptyData_ReturnsTrueWithZero()
    {
        var (ok, count) = Run(Poller, async () =>
        {
            var (client, server) = await ConnectedPair();
            var result = client.TrySend(ReadOnlySpan<byte>.Empty, out var sent);
            client.Abort();
            server.Abort();
            return (result, sent);
        });
        Assert.True(ok);
        Assert.Equal(0, count);
    }

    [Fact]
    public void GeneratorEcho_ManyMessages_EveryByteComesBackInOrder()
    {
        // docs/io.md's example (IoDocTests) on this poller, with more data than the kernel's buffers
        // hold, so its sends are cut short and wait for room.
        var data = Pattern(8 * 1024 * 1024);
        var back = Run(Poller, () => IoDocTests.EchoThrough(data));
        Assert.Equal(data, back);
    }

    /// <summary>A generator that tries, waits while nothing is there, and reports the count.</summary>
    private static IEnumerable<object?> UntilReceived(SocketStream stream, byte[] buffer, Action<int> received)
    {
        int n;
        while (!stream.TryReceive(buffer, out n))
        {
            yield return stream.WaitReadableAsync();
        }

        received(n);
    }
}
