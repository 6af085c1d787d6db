using System.Diagnostics;
using Xunit.Abstractions;
using static Coop.Tests.Simulation.Simulated;
using static Coop.Tests.Streams.StreamTest;

namespace Coop.Tests.Simulation;

public class SimulationScaleTests(ITestOutputHelper output)
{
    // The goal: 1,000 simulated connections over one virtual hour run in under 5 s. Each
    // client connects at its own time in the hour, holds its connection for five minutes and asks ten
    // questions on it (about 80 connections open at once); a jittery network and a few split and
    // delayed messages make every message an event of its own.
    [Fact]
    public void ThousandConnectionsOverAVirtualHour_AllAnswered_InSeconds()
    {
        var answered = 0;
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Run(async sim =>
        {
            sim.Network.Jitter = TimeSpan.FromMilliseconds(5);
            sim.Faults.Split = 0.01;
            sim.Faults.Delay = 0.01;
            sim.AddHost("server", () => Network.ServeTcpAsync(Echo, 7));
            await TaskGroup.Run(async group =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    var start = i * 3.6;
                    group.Start(Client(start), $"client {i}");
                }

                await Coroutine.Sleep(0);
            });
            Assert.InRange(EventLoop.Current.Time(), 3600, 3600 + 301);

            async Coroutine Client(double start)
            {
                await Coroutine.Sleep(start);
                await using var stream = await Network.OpenTcpStreamAsync("server", 7);
                for (var question = 0; question < 10; question++)
                {
                    await stream.SendAllAsync(Bytes("ping"));
                    Assert.Equal("ping", await ReadAsync(stream, 4));
                    await Coroutine.Sleep(30);
                }

                answered++;
            }
        });
        watch.Stop();
        process.Refresh();
        output.WriteLine($"1,000 connections over a virtual hour: {watch.Elapsed.TotalSeconds:0.00} s wall, {(process.TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU (the process's, GC and JIT included)");
        Assert.Equal(1000, answered);
        // A safety net on a shared machine, not the measurement (docs/benchmarks.md has that).
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }
}
