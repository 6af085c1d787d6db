using System.Net;
using static Coop.Tests.Simulation.Simulated;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Simulation;

public class SimulationHostsTests
{
    [Fact]
    public void AddHost_RunsItsSoftwareAsATaskNamedAfterIt()
    {
        Run(async sim =>
        {
            var ran = false;
            var host = sim.AddHost("worker", async () =>
            {
                ran = true;
                await Coroutine.Sleep(1);
            });
            Assert.Equal("worker", host.Task!.Name);
            Assert.True(host.CanCrash);
            Assert.False(sim.Client.CanCrash);
            await host.Task;
            Assert.True(ran);
        });
    }

    [Fact]
    public void Crash_CancelsTasksResetsConnectionsAndRefuses_RestartServesAgain()
    {
        Run(async sim =>
        {
            var starts = 0;
            var canceled = 0;
            var server = sim.AddHost("server", () =>
            {
                starts++;
                return Network.ServeTcpAsync(async s =>
                {
                    try
                    {
                        await Echo(s);
                    }
                    catch (CanceledException)
                    {
                        canceled++;
                        throw;
                    }
                }, 7);
            });
            var stream = await Network.OpenTcpStreamAsync("server", 7);
            server.Crash();
            Assert.False(server.IsUp);
            Assert.IsAssignableFrom<IOException>(await Failure(stream.ReceiveAsync(new byte[1])));
            Assert.Equal(1, canceled);
            var refused = Assert.IsType<System.Net.Sockets.SocketException>(await Failure(Network.OpenTcpStreamAsync("server", 7)));
            Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
            sim.Restart("server");
            await using var again = await Network.OpenTcpStreamAsync("server", 7);
            await again.SendAllAsync(Bytes("up"));
            Assert.Equal("up", await ReadAsync(again, 2));
            Assert.Equal((2, 1), (starts, server.Crashes));
        });
    }

    [Fact]
    public void CrashAndRestart_Misuse_ThrowsSayingWhy()
    {
        Run(async sim =>
        {
            var server = sim.AddHost("server", async () => await Coroutine.Sleep(100));
            Assert.Contains("client host", Assert.Throws<InvalidOperationException>(() => sim.Client.Crash()).Message, StringComparison.Ordinal);
            Assert.Contains("is up", Assert.Throws<InvalidOperationException>(() => server.Restart()).Message, StringComparison.Ordinal);
            server.Crash();
            Assert.Contains("down already", Assert.Throws<InvalidOperationException>(() => sim.Crash("server")).Message, StringComparison.Ordinal);
            await Coroutine.Yield();
        });
    }

    [Fact]
    public void HostSoftwareFails_TheRunFailsNamingTheHost()
    {
        var run = Fail(async sim =>
        {
            sim.AddHost("server", async () =>
            {
                await Coroutine.Sleep(1);
                throw new InvalidOperationException("the server broke");
            });
            await Coroutine.Sleep(10);
        });
        var error = Assert.IsType<SimulatedHostException>(run.Exception);
        Assert.Equal("server", error.Host);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("Host 'server' failed: InvalidOperationException: the server broke", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), run.VirtualTime);
    }

    [Fact]
    public void ServersStillRunningWhenTheTestEnds_AreStopped_NotLeaked()
    {
        Run(async sim =>
        {
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
        });
    }

    [Fact]
    public void AddHost_BadNames_ThrowSayingWhy()
    {
        Run(async sim =>
        {
            sim.AddHost("server");
            Assert.Contains("exists already", Assert.Throws<ArgumentException>(() => sim.AddHost("SERVER")).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => sim.AddHost("localhost"));
            Assert.Throws<ArgumentException>(() => sim.AddHost("10.0.0.9"));
            Assert.Throws<ArgumentException>(() => sim.AddHost(" "));
            Assert.Contains("'client', 'server'", Assert.Throws<ArgumentException>(() => sim.Host("nope")).Message, StringComparison.Ordinal);
            Assert.Equal(IPAddress.Parse("10.0.0.1"), sim.Client.Address);
            Assert.Equal(IPAddress.Parse("10.0.0.2"), sim.Host("Server").Address);
            await Coroutine.Yield();
        });
    }

    [Fact]
    public void Current_NoSimulation_ThrowsSayingHowToGetOne()
    {
        var error = Run(async () => await Failure(Nothing()));
        Assert.Contains("Explore.Simulate", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);

        static async Coroutine Nothing()
        {
            await Coroutine.Yield();
            _ = Testing.Simulation.Current;
        }
    }

    [Fact]
    public void Note_AppearsInTheEventsAndInTheFaultsAfterIt()
    {
        var run = Run(async sim =>
        {
            sim.RecordEvents = true;
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await using var stream = await Network.OpenTcpStreamAsync("server", 7);
            sim.Note("about to send");
            sim.Faults.Delay = 1;
            await stream.SendAllAsync(Bytes("x"));
            sim.Faults.Delay = 0;
            await ReadAsync(stream, 1);
            Assert.Contains(sim.Events, e => e.EndsWith("about to send", StringComparison.Ordinal));
            Assert.Contains(sim.Events, e => e.Contains("'client' -> 'server': \"x\" arrived", StringComparison.Ordinal));
        });
        Assert.Equal("about to send", Assert.Single(run.Faults).After);
        Assert.Contains("after \"about to send\"", run.Faults[0].ToString(), StringComparison.Ordinal);
    }
}
