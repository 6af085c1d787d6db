using System.Net.Sockets;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Streams;

public class MemoryPairContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect() => Ready(StreamPair.CreateMemory());
}

public class SmallMemoryPairContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect() => Ready(StreamPair.CreateMemory(capacity: 3));
}

public class LockstepPairContractTests : ByteStreamContract
{
    protected override Coroutine<(ByteStream A, ByteStream B)> Connect() => Ready(StreamPair.CreateLockstep());
}

public class StreamPairTests
{
    [Fact]
    public void CreateMemory_CapacityBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamPair.CreateMemory(0));
    }

    [Fact]
    public void Memory_SendAll_ReturnsOnceTheBytesAreBufferedAndWaitsWhenFull()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 100);
            await a.SendAllAsync(Pattern(100)); // fits: returns without any receive
            var more = EventLoop.Current.CreateTask(a.SendAllAsync(Pattern(1)));
            await Ticks(10);
            Assert.False(more.IsDone);
            Assert.Equal(40, await b.ReceiveAsync(new byte[40]));
            await more;
        });
    }

    [Fact]
    public void Memory_CapacityOne_EveryReceiveGetsOneByte()
    {
        var sizes = Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 1);
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, Bytes("hello")));
            var got = new List<int>();
            var buffer = new byte[100];
            int n;
            while ((n = await b.ReceiveAsync(buffer)) > 0)
            {
                got.Add(n);
            }

            await sender;
            return got;
        });
        Assert.Equal([1, 1, 1, 1, 1], sizes);
    }

    [Fact]
    public void Lockstep_SendAll_ReturnsOnlyWhenReceivesTookTheLastByte()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateLockstep();
            var send = EventLoop.Current.CreateTask(a.SendAllAsync(Pattern(10)));
            await Ticks(10);
            Assert.False(send.IsDone); // no receive asked: no byte moved
            Assert.Equal(4, await b.ReceiveAsync(new byte[4]));
            await Ticks(10);
            Assert.False(send.IsDone);
            Assert.Equal(6, await b.ReceiveAsync(new byte[100]));
            await send;
        });
    }

    [Fact]
    public void Lockstep_BothEndsSendBeforeReceiving_Deadlocks()
    {
        // Both ends send a greeting, then read the other's. A buffered pair (or a socket) hides the
        // bug; the lockstep pair makes it a deadlock the virtual clock reports at once.
        Assert.Throws<DeadlockException>(() => Run(() => GreetBoth(StreamPair.CreateLockstep())));
        Run(() => GreetBoth(StreamPair.CreateMemory()));

        static async Coroutine GreetBoth((ByteStream A, ByteStream B) pair)
        {
            var loop = EventLoop.Current;
            var a = loop.CreateTask(Greet(pair.A));
            var b = loop.CreateTask(Greet(pair.B));
            await a;
            await b;
        }

        static async Coroutine Greet(ByteStream s)
        {
            await s.SendAllAsync(Bytes("hello"));
            await s.ReceiveAsync(new byte[5]);
        }
    }

    [Fact]
    public void Abort_BytesInFlightAreDiscardedAndThePeerSeesAConnectionReset()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            await a.SendAllAsync(Bytes("never read"));
            a.Abort();
            var error = Assert.IsType<IOException>(await Failure(b.ReceiveAsync(new byte[100])));
            Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        });
    }

    [Fact]
    public void SendAll_ToAnEndThatClosed_IsABrokenPipe()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            await b.CloseAsync();
            var error = Assert.IsType<IOException>(await Failure(a.SendAllAsync(Bytes("x"))));
            Assert.Equal(SocketError.Shutdown, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        });
    }

    [Fact]
    public void Close_BytesInFlightStillReachThePeer()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory();
            await a.SendAllAsync(Bytes("parting words"));
            await a.CloseAsync();
            Assert.Equal("parting words", Text(await ReceiveToEnd(b)));
        });
    }

    [Fact]
    public void SendAll_CanceledBeforeAnyByteWasTaken_TheStreamStaysUsable()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateMemory(capacity: 4);
            await a.SendAllAsync(Bytes("full"));
            var blocked = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("nope")));
            await Ticks(5);
            blocked.Cancel();
            Assert.True(await Canceled(blocked));
            var sender = EventLoop.Current.CreateTask(SendThenEof(a, Bytes("more")));
            Assert.Equal("fullmore", Text(await ReceiveToEnd(b)));
            await sender;
        });
    }

    [Fact]
    public void Lockstep_SendCanceledAfterItsLastByteWasTaken_TheSendStands()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateLockstep();
            var completed = false;
            var send = EventLoop.Current.CreateTask(SendAndMark());
            await Ticks(5);
            Assert.Equal(3, await b.ReceiveAsync(new byte[10])); // wakes the send...
            send.Cancel();                                    // ...which is canceled before it runs
            Assert.True(await Canceled(send));
            Assert.True(completed);                           // the send returned; the cancel came at the next await
            var next = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("ok")));
            Assert.Equal(2, await b.ReceiveAsync(new byte[10])); // and the stream still works
            await next;

            async Coroutine SendAndMark()
            {
                await a.SendAllAsync(Bytes("abc"));
                completed = true;
                await Coroutine.Yield();
            }
        });
    }

    [Fact]
    public void SendEof_WhileASendWaits_ThrowsInvalidOperation()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateLockstep();
            var send = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("abc")));
            await Ticks(5);
            Assert.IsType<InvalidOperationException>(await Failure(a.SendEofAsync()));
            await b.ReceiveAsync(new byte[10]);
            await send;
        });
    }

    [Fact]
    public void SendAll_WhileAnotherWaits_ThrowsInvalidOperation()
    {
        Run(async () =>
        {
            var (a, b) = StreamPair.CreateLockstep();
            var send = EventLoop.Current.CreateTask(a.SendAllAsync(Bytes("abc")));
            await Ticks(5);
            Assert.IsType<InvalidOperationException>(await Failure(a.SendAllAsync(Bytes("d"))));
            await b.ReceiveAsync(new byte[10]);
            await send;
        });
    }

    [Fact]
    public void ToString_NamesTheKindAndTheBytesInFlight()
    {
        Run(async () =>
        {
            var (a, _) = StreamPair.CreateMemory();
            await a.SendAllAsync(Bytes("12345"));
            Assert.Contains("memory stream, left end", a.ToString(), StringComparison.Ordinal);
            Assert.Contains("5 bytes in flight", a.ToString(), StringComparison.Ordinal);
        });
    }
}
