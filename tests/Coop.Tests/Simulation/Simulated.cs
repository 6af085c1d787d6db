using Coop.Tests.Support;

namespace Coop.Tests.Simulation;

/// <summary>Runs a simulation once, from a seed, as Explore would, and fails the test if it fails.</summary>
internal static class Simulated
{
    public static ScheduleRun Run(Func<Testing.Simulation, Coroutine> body, long seed = 1, double timingFuzz = 0)
    {
        var run = Bounded.Run(() => Explore.ReplaySimulation(body, seed, new ExploreOptions { TimingFuzz = timingFuzz }));
        Assert.False(run.Failed, run.Exception?.ToString());
        return run;
    }

    /// <summary>Runs it and returns how it failed.</summary>
    public static ScheduleRun Fail(Func<Testing.Simulation, Coroutine> body, long seed = 1)
    {
        var run = Bounded.Run(() => Explore.ReplaySimulation(body, seed));
        Assert.True(run.Failed, "The run was expected to fail, and passed.");
        return run;
    }

    /// <summary>Echoes what it receives until the end of the stream.</summary>
    public static async Coroutine Echo(SocketStream connection)
    {
        var buffer = new byte[1024];
        int n;
        while ((n = await connection.ReceiveAsync(buffer)) > 0)
        {
            await connection.SendAllAsync(buffer.AsMemory(0, n));
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes as ASCII.</summary>
    public static async Coroutine<string> ReadAsync(ByteStream stream, int count)
    {
        var buffer = new byte[count];
        await new ByteStreamReader(stream).ReadExactlyAsync(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }
}
