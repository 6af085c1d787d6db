// `coop demo simulate`: a retried transfer applied twice, found by running the same client and
// server over seeded simulated networks that reset connections, shrunk to the one lost answer that
// matters, and replayed from its seed. The program is sample bug 1 of
// tests/Coop.Tests/Simulation/Samples/RetryDoubleApply.cs, written with Network.OpenTcpStreamAsync
// and Network.ServeTcpAsync as it would be for the real network.
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Coop.Testing;

namespace Coop.Cli.Demos;

internal sealed class SimulateDemo : Demo
{
    public override string Name => "simulate";

    public override string Summary => "Find a double-applied retry on a simulated network that resets connections, then replay it";

    public override int Order => 85;

    public override int Run(DemoContext context)
    {
        var output = context.Out;
        output.WriteLine("A client sends three transfers to a bank over TCP and retries when a connection breaks.");
        output.WriteLine("The network resets one message in ten at a random byte. Running up to 200 seeded networks...");
        var options = new ExploreOptions { Schedules = 200 };
        var result = Explore.SearchSimulation(sim => Transfers(sim, fixedVersion: false), options);
        if (!result.Failed)
        {
            output.WriteLine("No run failed (unexpected).");
            return 1;
        }

        output.Write(result.Report());

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Replaying seed {result.Failure!.Seed}:"));
        var replay = Explore.ReplaySimulation(sim => Transfers(sim, fixedVersion: false), result.Failure.Seed!.Value, options);
        var same = replay.Exception?.Message == result.Failure.Exception!.Message
            && replay.Perturbations.Select(p => p.ToString()).SequenceEqual(result.Failure.Perturbations.Select(p => p.ToString()));
        output.WriteLine("  => " + (replay.Failed ? "FAILED: " + replay.Exception!.Message : "passed"));
        output.WriteLine(same ? "Same faults, same failure: the seed reproduces the run exactly." : "The replay differed (a bug in Coop).");

        output.WriteLine();
        output.WriteLine("Replaying only the shrunk faults:");
        var shrunk = Explore.ReplaySimulation(sim => Transfers(sim, fixedVersion: false), result.Shrunk!, options);
        output.Write(shrunk.DescribePerturbations());
        output.WriteLine("  => " + (shrunk.Failed ? "FAILED: " + shrunk.Exception!.Message : "passed"));

        output.WriteLine();
        var fixedResult = Explore.SearchSimulation(sim => Transfers(sim, fixedVersion: true), options);
        output.WriteLine("The fixed version (the bank answers a repeated request id with its first answer): " + fixedResult.Report().TrimEnd());
        return same && shrunk.Failed && !fixedResult.Failed ? 0 : 1;
    }

    private static async Coroutine Transfers(Simulation simulation, bool fixedVersion)
    {
        simulation.Faults.Reset = 0.1;
        var balance = 100;
        var answers = new Dictionary<string, string>();
        simulation.AddHost("bank", () => Network.ServeTcpAsync(Serve, 80));
        for (var id = 1; id <= 3; id++)
        {
            await Transfer(id, 10 * id);
        }

        if (balance != 160)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The bank holds {balance}, not 160: a retried transfer was applied twice."));
        }

        async Coroutine Serve(SocketStream connection)
        {
            try
            {
                var reader = new ByteStreamReader(connection);
                while (await ReadLine(reader) is { } request)
                {
                    var parts = request.Split(' ');
                    if (!fixedVersion || !answers.TryGetValue(parts[1], out var answer))
                    {
                        balance += int.Parse(parts[2], CultureInfo.InvariantCulture);
                        answer = "ok " + parts[1];
                        answers[parts[1]] = answer;
                        simulation.Note($"'bank' applied transfer {parts[1]}");
                    }

                    await connection.SendAllAsync(Encoding.ASCII.GetBytes(answer + "\n"));
                }
            }
            catch (IOException)
            {
                // the client went away: nothing to answer
            }
        }
    }

    // The client: asks, and on a broken connection asks again (up to five times).
    private static async Coroutine Transfer(int id, int amount)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await Network.OpenTcpStreamAsync("bank", 80);
                await connection.SendAllAsync(Encoding.ASCII.GetBytes($"transfer {id} {amount}\n"));
                _ = await ReadLine(new ByteStreamReader(connection)) ?? throw new IOException("The bank closed the connection without answering.");
                return;
            }
            catch (Exception e) when (e is IOException or SocketException && attempt < 5)
            {
                await Coroutine.Sleep(0.1); // then retry: the transfer may or may not have been applied
            }
        }
    }

    private static async Coroutine<string?> ReadLine(ByteStreamReader reader)
    {
        var line = await reader.ReadLineAsync();
        return line.Length == 0 ? null : Encoding.ASCII.GetString(line).TrimEnd('\n');
    }
}
