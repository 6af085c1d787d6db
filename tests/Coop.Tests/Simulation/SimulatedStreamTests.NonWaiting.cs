using System.Net.Sockets;
using Coop.Tests.IO;
using static Coop.Tests.Simulation.Simulated;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Simulation;

/// <summary>SocketStream's non-waiting calls and their waits on the simulated network: the generator
/// coroutines' way to use a stream runs in virtual time with the same contract as over a socket.</summary>
public class SimulatedStreamNonWaitingTests
{
    private static async Coroutine<(SocketStream A, SocketStream B)> Pair(int window = 1500)
    {
        var (a, b) = await SimulatedPair.Connect(network =>
        {
            network.Latency = TimeSpan.FromMilliseconds(10);
            network.BufferSize = window;
        });
        return ((SocketStream)a, (SocketStream)b);
    }

    [Fact]
    public void GeneratorEcho_NarrowWindow_EveryByteComesBackInOrderThenTheEchoCloses()
    {
        var data = IoTest.Pattern(20_000);
        byte[] back = [];
        Run(async sim =>
        {
            var (client, server) = await Pair();
            var echo = EventLoop.Current.CreateTask(IoDocTests.GeneratorEcho(server));
            var receiving = EventLoop.Current.CreateTask(IoTest.ReceiveToEnd(client));
            await client.SendAllAsync(data);
            await client.SendEofAsync();
            back = await receiving;
            await echo;
            Assert.True(server.IsClosed);
            Assert.True(EventLoop.Current.Time() > 0.1, "a 1,500-byte window makes 20 KB take many round trips of virtual time");
            await client.CloseAsync();
        });
        Assert.Equal(data, back);
    }

    [Fact]
    public void TryReceive_NothingArrived_FalseAndTheWaitEndsWhenBytesArrive()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair();
            var buffer = new byte[8];
            Assert.False(server.TryReceive(buffer, out var none));
            Assert.Equal(0, none);
            var wait = server.WaitReadableAsync();
            Assert.False(wait.IsDone);
            var sentAt = EventLoop.Current.Time();
            await client.SendAllAsync(Bytes("hi"));
            await wait;
            Assert.Equal(sentAt + 0.010, EventLoop.Current.Time(), 9); // one latency
            Assert.True(server.TryReceive(buffer, out var n));
            Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            await client.SendEofAsync();
            await server.WaitReadableAsync();
            Assert.True(server.TryReceive(buffer, out var end));
            Assert.Equal(0, end);
        });
    }

    [Fact]
    public void TrySend_WindowFull_TakesWhatFitsThenFalseUntilThePeerReads()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair(window: 1000);
            Assert.True(client.TrySend(new byte[1500], out var sent));
            Assert.Equal(1000, sent);
            Assert.False(client.TrySend(new byte[1], out var more));
            Assert.Equal(0, more);
            var room = client.WaitWritableAsync();
            await Coroutine.Sleep(0.5);
            Assert.False(room.IsDone, "nobody read: the window stays full");
            Assert.Equal(1000, (await ReadAsync(server, 1000)).Length);
            await room;
            Assert.True(client.TrySend(new byte[1], out var one));
            Assert.Equal(1, one);
            Assert.True(client.TrySend(ReadOnlySpan<byte>.Empty, out var zero));
            Assert.Equal(0, zero);
        });
    }

    [Fact]
    public void WaitReadable_PeerResets_EndsAndTheTryReportsTheReset()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair();
            var wait = server.WaitReadableAsync();
            client.Abort();
            await wait;
            var error = Assert.Throws<IOException>(() => server.TryReceive(new byte[1], out _));
            Assert.Equal(SocketError.ConnectionReset, ((SocketException)error.InnerException!).SocketErrorCode);
            Assert.Throws<IOException>(() => server.TrySend(new byte[1], out _));
        });
    }

    [Fact]
    public void Waits_StreamClosedUnderThem_FailWithObjectDisposed()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair(window: 10);
            var reading = server.WaitReadableAsync();
            Assert.True(server.TrySend(new byte[20], out _));
            var writing = server.WaitWritableAsync();
            server.Abort();
            Assert.IsType<ObjectDisposedException>(await IoTest.Failure(reading));
            Assert.IsType<ObjectDisposedException>(await IoTest.Failure(writing));
            Assert.Throws<ObjectDisposedException>(() => server.TryReceive(new byte[1], out _));
            Assert.Throws<ObjectDisposedException>(() => server.TrySend(new byte[1], out _));
            Assert.Throws<ObjectDisposedException>(() => server.WaitReadableAsync());
            client.Abort();
        });
    }

    [Fact]
    public void WaitReadable_CanceledWhileWaiting_NoByteIsLost()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair();
            var waiter = EventLoop.Current.CreateTask(WaitOnce(server));
            await Coroutine.Sleep(0.001);
            waiter.Cancel();
            await client.SendAllAsync(Bytes("kept"));
            Assert.True(await Canceled(waiter));
            await server.WaitReadableAsync(); // the canceled wait left its slot: a new one is allowed
            var buffer = new byte[8];
            Assert.True(server.TryReceive(buffer, out var n));
            Assert.Equal("kept", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        });

        static IEnumerable<object?> WaitOnce(SocketStream stream)
        {
            yield return stream.WaitReadableAsync();
        }
    }

    [Fact]
    public void TriesAndWaits_AnotherTaskReceivingOrSending_ThrowBusy()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair(window: 10);
            var receiving = EventLoop.Current.CreateTask(server.ReceiveAsync(new byte[4]));
            await Coroutine.Sleep(0.001); // the receive waits
            Assert.Throws<InvalidOperationException>(() => server.TryReceive(new byte[1], out _));
            Assert.Throws<InvalidOperationException>(() => server.WaitReadableAsync());
            receiving.Cancel();
            await Canceled(receiving);

            var wait = server.WaitReadableAsync();
            Assert.Throws<InvalidOperationException>(() => server.WaitReadableAsync());
            Assert.Throws<InvalidOperationException>(() => server.TryReceive(new byte[1], out _));

            var sending = EventLoop.Current.CreateTask(client.SendAllAsync(new byte[100]));
            await Coroutine.Sleep(0.001); // the send filled the window and waits
            Assert.Throws<InvalidOperationException>(() => client.TrySend(new byte[1], out _));
            Assert.Throws<InvalidOperationException>(() => client.WaitWritableAsync());
            sending.Cancel();
            await Canceled(sending);
            client.Abort();
            server.Abort();
            await IoTest.Failure(wait);
        });
    }

    [Fact]
    public void TryReceive_EmptyBufferOrAnotherThread_ThrowsClearly()
    {
        Run(async sim =>
        {
            var (client, server) = await Pair();
            Assert.Throws<ArgumentException>(() => server.TryReceive(Span<byte>.Empty, out _));
            Exception? fromThread = null;
            var thread = new Thread(() => fromThread = Record.Exception(() => server.TryReceive(new byte[1], out _)));
            thread.Start();
            thread.Join(); // blocks the loop a moment: the other thread only makes one call
            Assert.IsType<InvalidOperationException>(fromThread);
            client.Abort();
            server.Abort();
        });
    }
}
