using System.Net;
using System.Net.Sockets;
using static Coop.Tests.Simulation.Simulated;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Simulation;

public class SimulationFaultsTests
{
    [Fact]
    public void Partition_ConnectTimesOut_AndAfterRepairConnects()
    {
        Run(async sim =>
        {
            sim.RecordEvents = true;
            sim.Network.ConnectTimeout = TimeSpan.FromSeconds(5);
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            sim.Partition("client", "server");
            var error = Assert.IsType<SocketException>(await Failure(Network.OpenTcpStreamAsync("server", 7)));
            Assert.Equal(SocketError.TimedOut, error.SocketErrorCode);
            sim.Repair("client", "server");
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            Assert.Contains(sim.Events, e => e.Contains("partition between 'client' and 'server'", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Hold_MessagesWaitUntilRelease_ThenArriveInOrder()
    {
        Run(async sim =>
        {
            var received = new List<string>();
            sim.AddHost("server", () => Network.ServeTcpAsync(async s => received.Add(Text(await ReceiveToEnd(s))), 7));
            var stream = await Network.OpenTcpStreamAsync("server", 7);
            sim.Hold("client", "server");
            foreach (var piece in new[] { "a", "b", "c" })
            {
                await stream.SendAllAsync(Bytes(piece));
            }

            await stream.SendEofAsync();
            await Coroutine.Sleep(60);
            Assert.Empty(received);
            sim.Release("client", "server");
            await Coroutine.Sleep(1);
            Assert.Equal(["abc"], received);
            await stream.CloseAsync();
        });
    }

    [Fact]
    public void Partition_MidConversation_TheBytesArriveAfterTheRepair()
    {
        Run(async sim =>
        {
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            sim.Partition("server", "client");
            await stream.SendAllAsync(Bytes("held"));
            var scope = await CancelScope.MoveOnAfter(30, async _ => { await stream.ReceiveAsync(new byte[4]); });
            Assert.True(scope.CanceledCaught);
            sim.Repair("client", "server");
            Assert.Equal("held", await ReadAsync(stream, 4));
        });
    }

    [Fact]
    public void ResetFault_TheReceiverGetsTheBytesBeforeItThenConnectionReset()
    {
        var run = Run(async sim =>
        {
            var outcome = new List<string>();
            sim.AddHost("server", () => Network.ServeTcpAsync(async s =>
            {
                var got = new List<byte>();
                var buffer = new byte[100];
                try
                {
                    int n;
                    while ((n = await s.ReceiveAsync(buffer)) > 0)
                    {
                        got.AddRange(buffer.AsSpan(0, n));
                    }
                }
                catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
                {
                    outcome.Add($"{got.Count} bytes, then a reset");
                }
            }, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            sim.Faults.Reset = 1;
            await stream.SendAllAsync(Bytes("0123456789"));
            Assert.IsAssignableFrom<IOException>(await Failure(stream.ReceiveAsync(new byte[1])));
            await Coroutine.Sleep(1);
            Assert.Single(outcome);
        }, seed: 4);
        var fault = Assert.Single(run.Faults);
        Assert.Matches("message 1 from 'client' to 'server', \"0123456789\" \\(10 bytes, connection client→server:7 #1\\) (was lost|was cut after)", fault.Description);
    }

    [Fact]
    public void SplitFault_TheMessageArrivesInTwoReceives()
    {
        var run = Run(async sim =>
        {
            var sizes = new List<int>();
            sim.AddHost("server", () => Network.ServeTcpAsync(async s =>
            {
                var buffer = new byte[100];
                int n;
                while ((n = await s.ReceiveAsync(buffer)) > 0)
                {
                    sizes.Add(n);
                }
            }, 7));
            await using (var stream = await Network.OpenTcpStreamAsync("server", 7))
            {
                sim.Faults.Split = 1;
                await stream.SendAllAsync(Bytes("0123456789"));
                sim.Faults.Split = 0;
                await Coroutine.Sleep(1);
            }

            await Coroutine.Sleep(1);
            Assert.Equal(2, sizes.Count);
            Assert.Equal(10, sizes.Sum());
        });
        Assert.Contains("arrived in two pieces", Assert.Single(run.Faults).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void DelayFault_TheMessageArrivesLateButWithinMaxDelay()
    {
        Run(async sim =>
        {
            sim.Faults.MaxDelay = TimeSpan.FromSeconds(4);
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            var sent = EventLoop.Current.Time();
            sim.Faults.Delay = 1;
            await stream.SendAllAsync(Bytes("x"));
            sim.Faults.Delay = 0;
            await ReadAsync(stream, 1);
            Assert.InRange(EventLoop.Current.Time() - sent, 0.4, 4.01);
        });
    }

    [Fact]
    public void ReceiverCrashFault_TheServerCrashesAsTheRequestArrives_AndRestartsWithinMaxDowntime()
    {
        var run = Run(async sim =>
        {
            var starts = 0;
            var server = sim.AddHost("server", () =>
            {
                starts++;
                return Network.ServeTcpAsync(Echo, 7);
            });
            sim.Faults.MaxDowntime = TimeSpan.FromSeconds(2);
            await using (var stream = await Network.OpenTcpStreamAsync("server", 7))
            {
                sim.Faults.ReceiverCrash = 1;
                await stream.SendAllAsync(Bytes("x"));
                sim.Faults.ReceiverCrash = 0;
                Assert.IsAssignableFrom<IOException>(await Failure(stream.ReceiveAsync(new byte[1])));
            }

            Assert.False(server.IsUp);
            await Coroutine.Sleep(2);
            Assert.True(server.IsUp);
            Assert.Equal((1, 2), (server.Crashes, starts));
            await using var again = await Network.OpenTcpStreamAsync("server", 7);
            await again.SendAllAsync(Bytes("y"));
            Assert.Equal("y", await ReadAsync(again, 1));
        });
        Assert.Contains("'server' crashed as it arrived", Assert.Single(run.Faults).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void SenderCrashFault_TheServerCrashesAsItAnswers_TheAnswerIsLost()
    {
        Run(async sim =>
        {
            var server = sim.AddHost("server", () => Network.ServeTcpAsync(async s =>
            {
                sim.Faults.SenderCrash = 1;
                await Echo(s);
            }, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            await stream.SendAllAsync(Bytes("x"));
            Assert.IsAssignableFrom<IOException>(await Failure(stream.ReceiveAsync(new byte[1])));
            Assert.Equal(1, server.Crashes);
            sim.Faults.SenderCrash = 0;
        });
    }

    [Fact]
    public void PartitionFault_LaterMessagesWaitForTheHeal()
    {
        var run = Run(async sim =>
        {
            sim.Faults.MaxPartition = TimeSpan.FromSeconds(5);
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            var sent = EventLoop.Current.Time();
            sim.Faults.Partition = 1;
            await stream.SendAllAsync(Bytes("x"));
            sim.Faults.Partition = 0;
            await ReadAsync(stream, 1);
            Assert.InRange(EventLoop.Current.Time() - sent, 0.5, 5.01);
        });
        Assert.Contains("a partition between 'client' and 'server' began", Assert.Single(run.Faults).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void RefuseAndDnsFaults_ConnectRefusedAndLookupFails()
    {
        var run = Run(async sim =>
        {
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            sim.Faults.Refuse = 1;
            var refused = Assert.IsType<SocketException>(await Failure(Network.OpenTcpStreamAsync("server", 7)));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            sim.Faults.Refuse = 0;
            sim.Faults.DnsFailure = 1;
            var lookup = Assert.IsType<SocketException>(await Failure(Network.OpenTcpStreamAsync("server", 7)));
            Assert.Equal(SocketError.TryAgain, lookup.SocketErrorCode);
        });
        Assert.Equal(2, run.Faults.Count);
    }

    [Fact]
    public void DatagramFaults_DropAndDuplicate()
    {
        Run(async sim =>
        {
            var server = sim.AddHost("server");
            using var client = UdpSocket.Bind(new IPEndPoint(IPAddress.Any, 0));
            var to = new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)client.LocalEndPoint).Port);
            sim.Faults.Drop = 1;
            await client.SendToAsync(Bytes("dropped"), to);
            sim.Faults.Drop = 0;
            sim.Faults.Duplicate = 1;
            await client.SendToAsync(Bytes("twice"), to);
            sim.Faults.Duplicate = 0;
            var buffer = new byte[10];
            Assert.Equal(5, (await client.ReceiveFromAsync(buffer)).ReceivedBytes);
            Assert.Equal(5, (await client.ReceiveFromAsync(buffer)).ReceivedBytes);
            var scope = await CancelScope.MoveOnAfter(5, async _ => { await client.ReceiveFromAsync(buffer); });
            Assert.True(scope.CanceledCaught);
            Assert.True(server.IsUp);
        });
    }

    [Fact]
    public void Faults_RatesAddingUpToMoreThanOne_TheNextMessageThrowsSayingWhy()
    {
        var run = Fail(async sim =>
        {
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            sim.Faults.Reset = 0.6;
            sim.Faults.Delay = 0.6;
            await stream.SendAllAsync(Bytes("x"));
        });
        Assert.Contains("add up to 1.2", run.Exception!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void FaultRates_NotAProbability_Throws(double rate)
    {
        var faults = new FaultRates();
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.Reset = rate);
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.MaxDelay = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkConditions().Latency = TimeSpan.FromTicks(-1));
    }

    private static async Coroutine Chatter(Testing.Simulation sim)
    {
        sim.Faults.Delay = 0.3;
        sim.Faults.Split = 0.3;
        sim.Network.Jitter = TimeSpan.FromMilliseconds(5);
        sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
        await using var stream = await Network.OpenTcpStreamAsync("server", 7);
        for (var i = 0; i < 10; i++)
        {
            await stream.SendAllAsync(Bytes($"message {i}"));
            await ReadAsync(stream, 9);
        }
    }

    [Fact]
    public void Seed_SameSeedSameFaultsAndTimes_OtherSeedsOthers()
    {
        static string Story(ScheduleRun run) => string.Join("\n", run.Perturbations) + $"\n{run.VirtualTime}";
        Assert.Equal(Story(Run(Chatter, seed: 7)), Story(Run(Chatter, seed: 7)));
        Assert.NotEqual(Story(Run(Chatter, seed: 7)), Story(Run(Chatter, seed: 8)));
    }

    [Fact]
    public void ReplaySimulation_ARunsPerturbations_SameStory()
    {
        var first = Run(Chatter, seed: 11);
        Assert.NotEmpty(first.Faults);
        var again = Coop.Tests.Support.Bounded.Run(() => Explore.ReplaySimulation(Chatter, first));
        Assert.Equal(first.Perturbations.Select(p => p.ToString()), again.Perturbations.Select(p => p.ToString()));
        Assert.Equal(first.VirtualTime, again.VirtualTime);
    }
}
