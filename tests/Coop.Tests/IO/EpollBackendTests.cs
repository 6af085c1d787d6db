using System.Net.Sockets;
using System.Reflection;
using Coop.Core;
using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>What only the epoll backend promises: one system call waits for deadlines, sockets and
/// posts; .NET's own poller never sees Coop's sockets; readiness order is a seeded choice.</summary>
[Collection(IoSerial.Name)]
public class EpollBackendTests
{
    [Fact]
    public void CallSoonThreadsafe_LoopSleepingInEpoll_WakesIt()
    {
        var ran = Run(PollerKind.Epoll, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair(); // the loop now sleeps in epoll
            var posted = loop.CreateFuture<int>();
            var poster = new Thread(() =>
            {
                Core.EventLoopTests.SpinUntil(() => loop.IsSleeping);
                loop.CallSoonThreadsafe(() => posted.SetResult(42));
            });
            poster.Start();
            var result = await posted; // nothing else would ever wake the loop
            poster.Join();
            await client.CloseAsync();
            await server.CloseAsync();
            return result;
        });
        Assert.Equal(42, ran);
    }

    [Fact]
    public void Idle_WaitingOnSocketAndFarTimer_DoesNotSpin()
    {
        var iterations = Run(PollerKind.Epoll, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var reading = loop.CreateTask(server.ReceiveAsync(new byte[4]));
            var start = loop.Iterations;
            await Coroutine.Sleep(0.2);
            var spent = loop.Iterations - start;
            reading.Cancel();
            await Failure(reading);
            await client.CloseAsync();
            await server.CloseAsync();
            return spent;
        });
        Assert.InRange(iterations, 1, 6);
    }

    [Fact]
    public void Sockets_UsedThroughEpoll_NeverReachDotnetsOwnPoller()
    {
        // .NET registers a socket with its own epoll thread (its SocketAsyncContext gets an engine)
        // on the first asynchronous call: Coop's sockets must never be registered there.
        var contexts = Run(PollerKind.Epoll, async () =>
        {
            var (client, server) = await ConnectedPair();
            var sending = EventLoop.Current.CreateTask(client.SendAllAsync(new byte[1 << 20])); // waits for room
            await ReceiveExactly(server, 1 << 20);
            await sending;
            var found = new[] { AsyncContextOf(client.Socket), AsyncContextOf(server.Socket) };
            await client.CloseAsync();
            await server.CloseAsync();
            return found;
        });
        Assert.All(contexts, Assert.Null);
    }

    [Fact]
    public void LevelTriggered_EchoAndCancel_WorkAsWithEdges()
    {
        var got = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new EventLoopOptions { Poller = PollerKind.Epoll }) { EdgeTriggered = false };
            return loop.RunUntilComplete(Body());
        });
        Assert.Equal("pong", got);

        static async Coroutine<string> Body()
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var canceled = loop.CreateTask(server.ReceiveAsync(new byte[4]));
            await Coroutine.Yield();
            canceled.Cancel();
            await Failure(canceled);
            await client.SendAllAsync("pong"u8.ToArray());
            var back = await ReceiveExactly(server, 4);
            await client.CloseAsync();
            await server.CloseAsync();
            return System.Text.Encoding.ASCII.GetString(back);
        }
    }

    [Fact]
    public void VirtualClock_TaskWaitsOnSocketOnly_PollsInsteadOfReportingDeadlock()
    {
        var clock = new VirtualClock();
        var got = Bounded.Run(() => EventLoop.Run(Body(), new EventLoopOptions { TimeProvider = clock, Poller = PollerKind.Epoll }));
        Assert.Equal(3, got);

        static async Coroutine<int> Body()
        {
            var (client, server) = await ConnectedPair();
            var socket = client.Socket;
            var sender = new Thread(() =>
            {
                Thread.Sleep(50);
                socket.Send("abc"u8); // from outside the loop, as another process would
            });
            sender.Start();
            var n = await server.ReceiveAsync(new byte[8]); // nothing ready, no timer: the loop must poll
            sender.Join();
            await client.CloseAsync();
            await server.CloseAsync();
            return n;
        }
    }

    [Fact]
    public void VirtualClock_SocketWaitAndAnHourLongTimeout_JumpsInsteadOfWaitingAnHour()
    {
        var clock = new VirtualClock();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (timedOut, echoed) = Bounded.Run(() => EventLoop.Run(Body(), new EventLoopOptions { TimeProvider = clock, Poller = PollerKind.Epoll }));
        Assert.True(timedOut);
        Assert.Equal(3, echoed); // loopback bytes sent before the jump are seen first
        Assert.True(clock.Elapsed >= TimeSpan.FromHours(1));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}: the clock waited for real");

        static async Coroutine<(bool, int)> Body()
        {
            var (client, server) = await ConnectedPair();
            var loop = EventLoop.Current;
            var reader = loop.CreateTask(server.ReceiveAsync(new byte[8]));
            await Coroutine.Yield();
            await client.SendAllAsync("abc"u8.ToArray());
            var n = await reader;
            var scope = await CancelScope.MoveOnAfter(3600, async _ => await server.ReceiveAsync(new byte[8]));
            await client.CloseAsync();
            await server.CloseAsync();
            return (scope.CanceledCaught, n);
        }
    }

    [Fact]
    public void SeededSchedule_WhichSocketWasReadyFirst_ReplaysExactly()
    {
        var orders = new Dictionary<long, string>();
        for (var seed = 1L; seed <= 16; seed++)
        {
            var order = "";
            var run = Bounded.Run(() => Explore.Replay(() => TwoReaders(o => order = o), seed));
            Assert.Null(run.Exception);
            orders[seed] = order;
        }

        // The chooser permutes the wake-ups: both orders occur ...
        Assert.Contains("AB", orders.Values);
        Assert.Contains("BA", orders.Values);

        // ... and each seed replays its own order exactly.
        foreach (var (seed, expected) in orders.Take(6))
        {
            for (var i = 0; i < 3; i++)
            {
                var order = "";
                Bounded.Run(() => Explore.Replay(() => TwoReaders(o => order = o), seed));
                Assert.Equal(expected, order);
            }
        }

        static async Coroutine TwoReaders(Action<string> report)
        {
            var loop = EventLoop.Current;
            var (clientA, serverA) = await ConnectedPair();
            var (clientB, serverB) = await ConnectedPair();
            var order = "";
            async Coroutine Reader(SocketStream stream, string name)
            {
                await stream.ReceiveAsync(new byte[4]);
                order += name;
            }

            var a = loop.CreateTask(Reader(serverA, "A"));
            var b = loop.CreateTask(Reader(serverB, "B"));
            await Coroutine.Yield(); // both readers wait on their sockets
            clientB.Socket.Send("b"u8); // both sockets become readable before the loop polls again
            clientA.Socket.Send("a"u8);
            await a;
            await b;
            report(order);
            foreach (var s in new[] { clientA, serverA, clientB, serverB })
            {
                await s.CloseAsync();
            }
        }
    }

    [Fact]
    public void Streams_OnEpoll_ReceiveAndSendOnTheDescriptorItself()
    {
        // Stream sockets skip .NET's Socket.Receive/Send (SocketCalls); datagrams keep them.
        var (stream, socketHandle, datagram) = Run(PollerKind.Epoll, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var (a, b) = UdpPair();
            var wait = loop.WaitReadableAsync(a);
            wait.Cancel();
            var found = (loop.Registration(server.Socket).Descriptor, (int)server.Socket.Handle, loop.Registration(a).Descriptor);
            loop.SockClose(a);
            b.Dispose();
            await client.CloseAsync();
            await server.CloseAsync();
            return found;
        });
        Assert.Equal(socketHandle, stream);
        Assert.Equal(-1, datagram);
    }

    [Fact]
    public void ReceiveAsync_UserMadeTheSocketBlocking_StillDoesNotBlockTheLoop()
    {
        var (timerRan, got) = Run(PollerKind.Epoll, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            server.Socket.Blocking = true; // a blocking recv would stall the loop thread
            var reading = loop.CreateTask(server.ReceiveAsync(new byte[8]));
            await Coroutine.Sleep(0.02); // the loop keeps running timers while the receive waits
            var ran = !reading.IsDone;
            await client.SendAllAsync("abc"u8.ToArray());
            var n = await reading;
            await client.CloseAsync();
            await server.CloseAsync();
            return (ran, n);
        });
        Assert.True(timerRan);
        Assert.Equal(3, got);
    }

    [Fact]
    public void EchoRoundTrip_Steady_AllocatesOnlyTheOperationsAndTheirWaits()
    {
        // Per round trip of an echo (W6's server loop) each side makes a receive and a send
        // operation (IO/ReceiveOperation.cs, IO/SendAllOperation.cs: one object each, no state
        // machine), and a receive that waits parks on one readiness future: nothing else (no
        // exception, no buffer, no closure, no .NET socket bookkeeping). The loops here are async
        // methods, but they do not allocate per await, in a Debug build either.
        const int Rounds = 2000;
        var perRoundTrip = Run(PollerKind.Epoll, async () =>
        {
            var loop = EventLoop.Current;
            var (client, server) = await ConnectedPair();
            var echo = loop.CreateTask(Echo(server));
            var message = new byte[1024];
            var back = new byte[1024];
            await PingPong(client, message, back, 200); // JIT and first-use allocations out of the count
            var before = GC.GetAllocatedBytesForCurrentThread();
            await PingPong(client, message, back, Rounds);
            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            await client.CloseAsync();
            await echo;
            return bytes / (double)Rounds;
        });
        Assert.InRange(perRoundTrip, 1, 450);

        static async Coroutine Echo(SocketStream stream)
        {
            var buffer = new byte[16384];
            int n;
            while ((n = await stream.ReceiveAsync(buffer)) > 0)
            {
                await stream.SendAllAsync(buffer.AsMemory(0, n));
            }

            await stream.CloseAsync();
        }

        static async Coroutine PingPong(SocketStream stream, byte[] message, byte[] back, int rounds)
        {
            for (var i = 0; i < rounds; i++)
            {
                await stream.SendAllAsync(message);
                var got = 0;
                while (got < back.Length)
                {
                    got += await stream.ReceiveAsync(back.AsMemory(got));
                }
            }
        }
    }

    /// <summary>The .NET poller a socket is registered with, or null (read by reflection: .NET's
    /// SafeSocketHandle._asyncContext._asyncEngine, set by SocketAsyncContext.TryRegister).</summary>
    private static object? AsyncContextOf(Socket socket)
    {
        const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;
        var contextField = typeof(SafeSocketHandle).GetField("_asyncContext", Private)
            ?? throw new InvalidOperationException("This .NET keeps SafeSocketHandle's async context elsewhere: update the test.");
        var context = contextField.GetValue(socket.SafeHandle);
        if (context == null)
        {
            return null;
        }

        var engineField = context.GetType().GetField("_asyncEngine", Private)
            ?? throw new InvalidOperationException("This .NET keeps the socket's engine elsewhere: update the test.");
        return engineField.GetValue(context);
    }
}
