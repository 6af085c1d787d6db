using Coop.Tests.Support;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Streams;

/// <summary>
/// The <see cref="ByteStream"/> contract, as one suite every implementation runs (STYLE 14): each test
/// class that derives from this one connects two streams its way (an in-memory pair, a lockstep pair,
/// readers over a pair, the System.IO adapters, TLS) and must pass every test here. Sends always run
/// in their own task, so the suite also holds for a lockstep pair, where a send waits for the receive.
/// Each test closes (aborts) the streams it opened before its loop ends, so a transport that reports
/// streams left open (sockets) stays quiet; the backpressure tests send <see cref="BackpressurePayload"/>
/// bytes, more than the transport holds.
/// </summary>
public abstract class ByteStreamContract
{
    /// <summary>Two connected streams: what one sends, the other receives.</summary>
    protected abstract Coroutine<(ByteStream A, ByteStream B)> Connect();

    /// <summary>The loop each test runs on: a virtual clock, so a test that would hang deadlocks
    /// instead, and says where (a transport may add its poller).</summary>
    protected virtual EventLoopOptions Options => new() { TimeProvider = new VirtualClock() };

    /// <summary>More bytes than the transport holds for a peer that does not read: what the
    /// backpressure tests send. A socket's kernel buffers hold megabytes.</summary>
    protected virtual int BackpressurePayload => 300_000;

    private readonly List<ByteStream> _opened = [];

    [Fact]
    public void SendAll_BothDirectionsAtOnce_EveryByteArrivesInOrder()
    {
        var (toB, toA) = (Pattern(200_000), Pattern(150_000, offset: 7));
        var (atB, atA) = Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var sendA = loop.CreateTask(SendThenEof(a, toB));
            var sendB = loop.CreateTask(SendThenEof(b, toA));
            var receiveB = loop.CreateTask(ReceiveToEnd(b, chunk: 1000));
            var receiveA = loop.CreateTask(ReceiveToEnd(a, chunk: 7777));
            await sendA;
            await sendB;
            return (await receiveB, await receiveA);
        });
        Assert.Equal(toB, atB);
        Assert.Equal(toA, atA);
    }

    [Fact]
    public void Receive_AfterPeerSendEof_ReturnsTheBytesThenZeroAgainAndAgain()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, Bytes("last words")));
            Assert.Equal("last words", Text(await ReceiveToEnd(b)));
            var buffer = new byte[10];
            Assert.Equal(0, await b.ReceiveAsync(buffer));
            Assert.Equal(0, await b.ReceiveAsync(buffer));
            await sender;
        });
    }

    [Fact]
    public void SendEof_HalfClose_TheOtherDirectionStillWorks()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            await a.SendEofAsync();
            Assert.Empty(await ReceiveToEnd(b));
            var reply = EventLoop.Current.CreateTask(SendThenEof(b, Bytes("still here")));
            Assert.Equal("still here", Text(await ReceiveToEnd(a)));
            await reply;
        });
    }

    [Fact]
    public void SendAll_AfterSendEof_ThrowsInvalidOperationAndSecondSendEofDoesNothing()
    {
        Run(async () =>
        {
            var (a, _) = await Open();
            await a.SendEofAsync();
            await a.SendEofAsync();
            Assert.IsType<InvalidOperationException>(await Failure(a.SendAllAsync(Bytes("x"))));
        });
    }

    [Fact]
    public void Close_PeerReceivesWhatWasSentThenEnd()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var data = Pattern(30_000);
            var sender = EventLoop.Current.CreateTask(SendThenClose(a, data));
            Assert.Equal(data, await ReceiveToEnd(b));
            await sender;
        });

        static async Coroutine SendThenClose(ByteStream s, byte[] data)
        {
            await s.SendAllAsync(data);
            await s.CloseAsync();
        }
    }

    [Fact]
    public void Operations_AfterClose_ThrowObjectDisposedAndCloseTwiceDoesNothing()
    {
        Run(async () =>
        {
            var (a, _) = await Open();
            await a.CloseAsync();
            await a.CloseAsync();
            a.Abort();
            Assert.IsType<ObjectDisposedException>(await Failure(a.ReceiveAsync(new byte[1])));
            Assert.IsType<ObjectDisposedException>(await Failure(a.SendAllAsync(Bytes("x"))));
            Assert.IsType<ObjectDisposedException>(await Failure(a.SendEofAsync()));
        });
    }

    [Fact]
    public void Abort_PeerReceiveAndSendFailWithIOException()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var receive = EventLoop.Current.CreateTask(b.ReceiveAsync(new byte[10]));
            await Ticks(5);
            a.Abort();
            Assert.IsAssignableFrom<IOException>(await Failure(Await(receive)));
            Assert.IsAssignableFrom<IOException>(await Failure(b.SendAllAsync(Pattern(100_000))));
            Assert.IsType<ObjectDisposedException>(await Failure(a.ReceiveAsync(new byte[1])));
        });
    }

    [Fact]
    public void Abort_WhileAReceiveWaits_TheReceiveThrowsObjectDisposed()
    {
        Run(async () =>
        {
            var (a, _) = await Open();
            var receive = EventLoop.Current.CreateTask(a.ReceiveAsync(new byte[10]));
            await Ticks(5);
            a.Abort();
            Assert.IsType<ObjectDisposedException>(await Failure(Await(receive)));
        });
    }

    [Fact]
    public void Close_WhileAReceiveWaits_TheReceiveThrowsObjectDisposed()
    {
        Run(async () =>
        {
            var (a, _) = await Open();
            var receive = EventLoop.Current.CreateTask(a.ReceiveAsync(new byte[10]));
            await Ticks(5);
            var close = EventLoop.Current.CreateTask(a.CloseAsync());
            Assert.IsType<ObjectDisposedException>(await Failure(Await(receive)));
            await close;
        });
    }

    [Fact]
    public void Receive_WhileAnotherWaits_ThrowsInvalidOperation()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var first = EventLoop.Current.CreateTask(b.ReceiveAsync(new byte[10]));
            await Ticks(5);
            Assert.IsType<InvalidOperationException>(await Failure(b.ReceiveAsync(new byte[10])));
            var sender = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("ok")));
            Assert.Equal(2, await first);
            await sender;
        });
    }

    [Fact]
    public void Receive_CanceledWhileWaiting_TheNextReceiveGetsEveryByte()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var receive = loop.CreateTask(b.ReceiveAsync(new byte[100]));
            await Ticks(5);
            receive.Cancel();
            Assert.True(await Canceled(receive));
            var sender = loop.CreateTask(SendThenEof(a, Bytes("nothing lost")));
            Assert.Equal("nothing lost", Text(await ReceiveToEnd(b)));
            await sender;
        });
    }

    [Fact]
    public void Receive_CanceledAtEachStepWhileBytesArrive_NothingIsLost()
    {
        // The cancellation lands at a different point of the bytes' way through the layers each time
        // (woken but not yet run, half-way through a record, ...): whatever happens, no byte is lost.
        for (var delay = 0; delay < 12; delay++)
        {
            var d = delay;
            var got = Run(async () =>
            {
                var (a, b) = await Open();
                var loop = EventLoop.Current;
                var first = new List<byte>();
                var receive = loop.CreateTask(ReceiveInto(b, first));
                await Ticks(3);
                var sender = loop.CreateTask(SendThenEof(a, Pattern(50)));
                await Ticks(d);
                receive.Cancel();
                await Canceled(receive);
                first.AddRange(await ReceiveToEnd(b));
                await sender;
                return first.ToArray();
            });
            Assert.Equal(Pattern(50), got);
        }

        static async Coroutine ReceiveInto(ByteStream s, List<byte> into)
        {
            var buffer = new byte[100];
            var n = await s.ReceiveAsync(buffer);
            into.AddRange(buffer.AsSpan(0, n));
        }
    }

    [Fact]
    public void Receive_CanceledAtEachAwaitPoint_NothingIsLostOrDuplicated()
    {
        var points = Bounded.Run(() => Explore.CancelAtEachAwait(async () =>
        {
            try
            {
                var (a, b) = await Open();
                var loop = EventLoop.Current;
                var data = Pattern(600);
                var got = new List<byte>();
                var sender = loop.CreateTask(SendInPieces(a, data, piece: 60));
                var receiver = loop.CreateTask(ReceiveInto(b, got), "receiver");
                await Canceled(receiver);
                got.AddRange(await ReceiveToEnd(b)); // what the canceled receiver left
                await sender;
                if (!got.SequenceEqual(data))
                {
                    throw new InvalidOperationException($"{got.Count} bytes received, of {data.Length}, or not in order.");
                }
            }
            finally
            {
                AbortOpened();
            }
        }, target: "receiver"));
        Assert.True(points >= 5, $"only {points} await points");

        static async Coroutine ReceiveInto(ByteStream s, List<byte> into)
        {
            var buffer = new byte[100];
            int n;
            while ((n = await s.ReceiveAsync(buffer)) > 0)
            {
                into.AddRange(buffer.AsSpan(0, n)); // no await between the receive and this line
            }
        }
    }

    [Fact]
    public void Receive_TimesOut_TheBytesThatComeLaterAreReceived()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var sender = loop.CreateTask(SendLater(a));
            var scope = await CancelScope.MoveOnAfter(1, async _ => { await b.ReceiveAsync(new byte[10]); });
            Assert.True(scope.CanceledCaught);
            Assert.Equal("late", Text(await ReceiveToEnd(b)));
            Assert.True(loop.Time() >= 5);
            await sender;
        });

        static async Coroutine SendLater(ByteStream s)
        {
            await Coroutine.Sleep(5);
            await SendThenEof(s, Bytes("late"));
        }
    }

    [Fact]
    public void Receive_ByATaskAlreadyCanceled_RaisesAtOnceAndConsumesNothing()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var sender = loop.CreateTask(SendThenEof(a, Bytes("kept")));
            await Ticks(20);
            var doomed = loop.CreateTask(SelfCancelingReceive(b));
            Assert.True(await Canceled(doomed));
            Assert.Equal("kept", Text(await ReceiveToEnd(b)));
            await sender;
        });

        static async Coroutine SelfCancelingReceive(ByteStream s)
        {
            CoopTask.Current!.Cancel();
            await s.ReceiveAsync(new byte[10]);
        }
    }

    [Fact]
    public void Receive_EmptyBuffer_WaitsForBytesAndConsumesNone()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var probe = loop.CreateTask(b.ReceiveAsync(Memory<byte>.Empty));
            await Ticks(5);
            Assert.False(probe.IsDone);
            var sender = loop.CreateTask(SendThenEof(a, Bytes("abc")));
            Assert.Equal(0, await probe);
            Assert.Equal("abc", Text(await ReceiveToEnd(b)));
            await sender;
        });
    }

    [Fact]
    public void SendAll_PeerNotReading_WaitsUntilThePeerReads()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var data = Pattern(BackpressurePayload);
            var sender = loop.CreateTask(SendThenEof(a, data));
            await Coroutine.Sleep(10);
            Assert.False(sender.IsDone); // backpressure: nothing holds the whole payload for a peer that does not read
            Assert.Equal(data, await ReceiveToEnd(b, chunk: 65536));
            await sender;
        });
    }

    [Fact]
    public void SendAll_CanceledPartWay_LaterSendsAreRefused()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var loop = EventLoop.Current;
            var sender = loop.CreateTask(a.SendAllAsync(Pattern(BackpressurePayload)));
            Assert.True(await b.ReceiveAsync(new byte[10]) > 0); // part of it was taken
            await Ticks(10);
            sender.Cancel();
            Assert.True(await Canceled(sender));
            Assert.IsType<InvalidOperationException>(await Failure(a.SendAllAsync(Bytes("more"))));
        });
    }

    [Fact]
    public void SendAll_PeerAbortsWhileTheSendWaits_ThrowsIOException()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            var sender = EventLoop.Current.CreateTask(a.SendAllAsync(Pattern(BackpressurePayload)));
            await Coroutine.Sleep(1);
            b.Abort();
            Assert.IsAssignableFrom<IOException>(await Failure(Await(sender)));
        });
    }

    [Fact]
    public void SendAll_ToAPeerThatClosed_ThrowsIOException()
    {
        Run(async () =>
        {
            var (a, b) = await Open();
            await b.CloseAsync();
            await Ticks(5);
            Assert.IsAssignableFrom<IOException>(await Failure(a.SendAllAsync(Pattern(BackpressurePayload))));
        });
    }

    [Fact]
    public void Abort_FromAnotherThread_ThrowsInvalidOperation()
    {
        using var loop = new EventLoop(Options);
        Bounded.Run(() =>
        {
            var (a, _) = loop.RunUntilComplete(Used());
            Assert.IsType<InvalidOperationException>(Record.Exception(a.Abort));
            loop.RunUntilComplete(AbortAll());
        });

        async Coroutine<(ByteStream A, ByteStream B)> Used()
        {
            var pair = await Open();
            var sender = EventLoop.Current.CreateTask(SendThenEof(pair.A, Bytes("bound")));
            await ReceiveToEnd(pair.B);
            await sender;
            return pair;
        }
    }

    [Fact]
    public void Receive_OnAnotherLoop_ThrowsInvalidOperation()
    {
        using var loop = new EventLoop(Options);
        Bounded.Run(() =>
        {
            var (_, b) = loop.RunUntilComplete(Used());
            var error = EventLoop.Run(Failure(b.ReceiveAsync(new byte[1])), Options);
            Assert.IsType<InvalidOperationException>(error);
            loop.RunUntilComplete(AbortAll());
        });

        async Coroutine<(ByteStream A, ByteStream B)> Used()
        {
            var pair = await Open();
            var sender = EventLoop.Current.CreateTask(pair.A.SendAllAsync(Bytes("x")));
            await pair.B.ReceiveAsync(new byte[1]);
            await sender;
            return pair;
        }
    }

    /// <summary>Connects two streams, to be aborted when the test's loop ends.</summary>
    private async Coroutine<(ByteStream A, ByteStream B)> Open()
    {
        var pair = await Connect();
        _opened.Add(pair.A);
        _opened.Add(pair.B);
        return pair;
    }

    private void AbortOpened()
    {
        foreach (var stream in _opened)
        {
            stream.Abort();
        }

        _opened.Clear();
    }

#pragma warning disable CS1998 // aborting does not wait; it must run on the streams' loop
    private async Coroutine AbortAll() => AbortOpened();
#pragma warning restore CS1998

    private void Run(Func<Coroutine> main) => Bounded.Run(() => EventLoop.Run(Closing(main), Options));

    private T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(Closing(main), Options));

    private async Coroutine Closing(Func<Coroutine> main)
    {
        try
        {
            await main();
        }
        finally
        {
            AbortOpened();
        }
    }

    private async Coroutine<T> Closing<T>(Func<Coroutine<T>> main)
    {
        try
        {
            return await main();
        }
        finally
        {
            AbortOpened();
        }
    }

    private static async Coroutine<T> Await<T>(CoopTask<T> task) => await task;

    private static async Coroutine Await(CoopTask task) => await task;
}
