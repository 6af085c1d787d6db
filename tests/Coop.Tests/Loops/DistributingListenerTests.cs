using System.Net;
using System.Net.Sockets;
using Coop.Loops;
using Coop.Testing;
using Coop.Tests.IO;
using Coop.Tests.Support;

namespace Coop.Tests.Loops;

/// <summary>Loop 0's accepting side of the hand-off, on a scripted raw accept in virtual time: it
/// deals connections to the loops in turn, and under the server's accept loop it has that loop's
/// behaviour on accept failures (report, back off, keep serving).</summary>
[Collection(IoSerial.Name)]
public class DistributingListenerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void AcceptAsync_OutOfDescriptors_ReportedBackedOffAndTheTurnsGoOn()
    {
        using var run = new ScriptedRun(
            SocketError.TooManyOpenSockets, SocketError.TooManyOpenSockets, SocketError.TooManyOpenSockets,
            null,                               // loop 0's turn: served here
            SocketError.ConnectionReset,        // the peer gave up: skipped, no turn taken, no report
            null,                               // loop 1's turn: handed over
            SocketError.NoBufferSpaceAvailable,
            null);                              // loop 0's turn again

        run.Serve(closeLoop1First: false);

        Assert.Equal([0, 0.1, 0.3, 0.7, 0.7, 0.7, 0.7, 0.8, 0.8], run.AcceptTimes.Select(t => Math.Round(t - run.AcceptTimes[0], 6)));
        Assert.Equal(4, run.Reports.Count);
        Assert.Equal(
            [SocketError.TooManyOpenSockets, SocketError.TooManyOpenSockets, SocketError.TooManyOpenSockets, SocketError.NoBufferSpaceAvailable],
            run.Reports.Select(r => Assert.IsType<SocketException>(r.Exception).SocketErrorCode));
        Assert.Contains("tries again in 100 ms", run.Reports[0].Message, StringComparison.Ordinal);
        Assert.Contains("tries again in 400 ms", run.Reports[2].Message, StringComparison.Ordinal);
        Assert.Contains("tries again in 100 ms", run.Reports[3].Message, StringComparison.Ordinal); // reset by the accept that worked
        Assert.Contains("handing connections to the group's loops", run.Reports[0].Message, StringComparison.Ordinal);
        Assert.Equal(2, run.ServedHere);
        Assert.Equal(1, run.HandedToLoop1);
        Assert.True(run.RealListenerClosed, "the server's end closes the real listener");
    }

    [Fact]
    public void AcceptAsync_TheLoopHandedToNoLongerServes_ConnectionClosedReportedAndAcceptingGoesOn()
    {
        using var run = new ScriptedRun(null, null, null);

        run.Serve(closeLoop1First: true);

        var report = Assert.Single(run.Reports);
        Assert.Contains("closed unserved", report.Message, StringComparison.Ordinal);
        Assert.Contains("no longer serves", report.Message, StringComparison.Ordinal);
        Assert.Equal(2, run.ServedHere);
        Assert.Equal(0, run.HandedToLoop1);
        Assert.Equal(0, run.ClientsStillOpenOnTheServerSide()); // the one not handed over was closed, not leaked
    }

    /// <summary>A distributing listener for a group of two loops whose raw accept follows a script
    /// (an error, or null for a real loopback connection), served by Network.ServeListenersAsync on
    /// one loop in virtual time for a minute.</summary>
    private sealed class ScriptedRun(params SocketError?[] script) : IDisposable
    {
        private readonly Queue<SocketError?> _script = new(script);
        private readonly List<(Socket Client, Socket Server)> _pairs = [];

        public List<double> AcceptTimes { get; } = [];

        public List<LoopError> Reports { get; } = [];

        public int ServedHere { get; private set; }

        public int HandedToLoop1 { get; private set; }

        public bool RealListenerClosed { get; private set; }

        public void Serve(bool closeLoop1First) =>
            Bounded.Run(() => EventLoop.Run(Main(closeLoop1First), new EventLoopOptions { TimeProvider = new VirtualClock() }), Limit);

        /// <summary>How many connections the server side did not close: a client whose server closed
        /// reads the end of the stream (readable, nothing to read).</summary>
        public int ClientsStillOpenOnTheServerSide() =>
            _pairs.Count(p => !(p.Client.Poll(TimeSpan.FromSeconds(2), SelectMode.SelectRead) && p.Client.Available == 0));

        public void Dispose()
        {
            foreach (var (client, server) in _pairs)
            {
                client.Dispose();
                server.Dispose();
            }
        }

        private async Coroutine Main(bool closeLoop1First)
        {
            var loop = EventLoop.Current;
            loop.ExceptionHandler = (_, e) => Reports.Add(e);
            var handOff = new ConnectionHandOff(2);
            var loop1 = handOff.ReceiverFor(1);
            if (closeLoop1First)
            {
                loop1.Close();
            }

            var real = SocketListener.Listen(new IPEndPoint(IPAddress.Loopback, 0));
            var listener = new DistributingListener(real, handOff, SocketOptions.Default, Accept);
            await CancelScope.MoveOnAfter(60, _ => Network.ServeListenersAsync(
                async stream =>
                {
                    ServedHere++;
                    await stream.CloseAsync();
                }, [listener]));
            RealListenerClosed = real.IsClosed;
            while (!closeLoop1First && loop1.TryReceive(out var socket))
            {
                HandedToLoop1++;
                socket.Dispose();
            }
        }

        private async Coroutine<Socket> Accept()
        {
            var loop = EventLoop.Current;
            AcceptTimes.Add(loop.Time());
            if (!_script.TryDequeue(out var next))
            {
                await loop.CreateFuture(); // no more connections: until the server is canceled
            }

            if (next is { } error)
            {
                throw new SocketException((int)error);
            }

            return Connected();
        }

        /// <summary>The server side of a new loopback connection.</summary>
        private Socket Connected()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            var server = listener.Accept();
            _pairs.Add((client, server));
            return server;
        }
    }
}
