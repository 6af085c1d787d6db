using Coop.Tests.Support;
using static Coop.Tests.IO.IoTest;

namespace Coop.Tests.IO;

/// <summary>Connections opened, used, broken and closed in every way the suite knows, many times:
/// afterwards the process holds no more file descriptors and no more managed heap than before.</summary>
[Collection(IoSerial.Name)]
public abstract class IoLeakTests
{
    protected abstract PollerKind Poller { get; }

    [Fact]
    public void ManyConnections_OpenedUsedAndClosedEveryWay_LeakNothing()
    {
        Cycles(20); // warm-up: JIT, .NET's socket statics, the thread pool
        var before = ResourceSnapshot.Take();
        Cycles(300);
        before.AssertNoLeak();
    }

    private void Cycles(int count)
    {
        Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var listener = SocketListener.Listen(AnyLoopbackPort);
            for (var i = 0; i < count; i++)
            {
                var client = await SocketStream.ConnectAsync(listener.LocalEndPoint);
                var server = await listener.AcceptAsync();
                await client.SendAllAsync(new byte[100]);
                await ReceiveExactly(server, 100);
                var reading = loop.CreateTask(client.ReceiveAsync(new byte[8]));
                await Coroutine.Yield();
                switch (i % 3)
                {
                    case 0: // graceful both ways
                        await server.CloseAsync();
                        await reading;
                        await client.CloseAsync();
                        break;
                    case 1: // a waiter canceled, then a reset
                        reading.Cancel();
                        await Failure(reading);
                        client.Abort();
                        server.Abort();
                        break;
                    default: // closed under a waiter
                        await client.CloseAsync();
                        await Failure(reading);
                        await server.CloseAsync();
                        break;
                }
            }

            listener.Close();
            Assert.Equal(0, loop.OpenSockets);
        }, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void ConnectAndClose_TenThousandCycles_EveryOneCompletesAndNothingLeaks()
    {
        var before = ResourceSnapshot.Take();
        var completed = Run(Poller, async () =>
        {
            var loop = EventLoop.Current;
            var listener = SocketListener.Listen(AnyLoopbackPort, backlog: 1024);
            var completed = 0;
            for (var i = 0; i < 10_000; i++)
            {
                var client = await SocketStream.ConnectAsync(listener.LocalEndPoint);
                var server = await listener.AcceptAsync();
                await server.CloseAsync(); // the server closes first, so TIME_WAIT uses no ephemeral port
                Assert.Equal(0, await client.ReceiveAsync(new byte[1]));
                await client.CloseAsync();
                completed++;
            }

            listener.Close();
            Assert.Equal(0, loop.OpenSockets);
            return completed;
        }, TimeSpan.FromSeconds(240));
        Assert.Equal(10_000, completed);
        before.AssertNoLeak(heapSlackBytes: 2 * 1024 * 1024);
    }
}

public sealed class IoLeakEpollTests : IoLeakTests
{
    protected override PollerKind Poller => PollerKind.Epoll;
}

public sealed class IoLeakPortableTests : IoLeakTests
{
    protected override PollerKind Poller => PollerKind.Portable;
}
