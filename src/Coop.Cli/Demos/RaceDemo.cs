// `coop demo race`: the check-then-act race, found by exploring seeded schedules, shrunk to the one
// choice that matters, and replayed from its seed. The program is the sample of
// tests/Coop.Tests/Determinism/Samples/SampleBugs.cs, with a log of what each task does.
using System.Globalization;
using Coop.Testing;

namespace Coop.Cli.Demos;

internal sealed class RaceDemo : Demo
{
    public override string Name => "race";

    public override string Summary => "Find a check-then-act race by exploring schedules, then replay it";

    public override int Order => 80;

    public override int Run(DemoContext context)
    {
        var output = context.Out;
        output.WriteLine("Two tasks withdraw 80 from a balance of 100. Each checks the balance, awaits an audit, then debits.");
        output.WriteLine("Plain FIFO order passes:");
        var fifo = new List<string>();
        var plain = Explore.Replay(() => Withdrawals(fifo, fixedVersion: false), []);
        Print(output, fifo, plain);

        output.WriteLine();
        output.WriteLine("Exploring up to 100 seeded schedules...");
        var result = Explore.Search(() => Withdrawals([], fixedVersion: false), new ExploreOptions { Schedules = 100 });
        if (!result.Failed)
        {
            output.WriteLine("No schedule failed (unexpected).");
            return 1;
        }

        output.Write(result.Report());

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Replaying seed {result.Failure!.Seed}:"));
        var log = new List<string>();
        var replay = Explore.Replay(() => Withdrawals(log, fixedVersion: false), result.Failure.Seed!.Value);
        Print(output, log, replay);
        var same = replay.Trace.SequenceEqual(result.Failure.Trace);
        output.WriteLine(same ? "Same schedule, same failure: the seed reproduces the run exactly." : "The replay differed (a bug in Coop).");

        output.WriteLine();
        output.WriteLine("Replaying only the shrunk choices " + result.Shrunk!.ChoicesAsCode + ":");
        var shrunkLog = new List<string>();
        Print(output, shrunkLog, Explore.Replay(() => Withdrawals(shrunkLog, fixedVersion: false), result.Shrunk.Choices));

        output.WriteLine();
        var fixedResult = Explore.Search(() => Withdrawals([], fixedVersion: true), new ExploreOptions { Schedules = 100 });
        output.WriteLine("The fixed version (debit in the same step as the check): " + fixedResult.Report().TrimEnd());
        return same && !fixedResult.Failed ? 0 : 1;
    }

    private static void Print(TextWriter output, List<string> log, ScheduleRun run)
    {
        foreach (var line in log)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine(run.Failed ? "  => FAILED: " + run.Exception!.Message : "  => passed");
    }

    private static async Coroutine Withdrawals(List<string> log, bool fixedVersion)
    {
        var balance = 100;
        async Coroutine Withdraw(string name, int logins)
        {
            for (var i = 0; i < logins; i++)
            {
                log.Add($"{name} logs in");
                await Coroutine.Yield();
            }

            log.Add($"{name} checks: balance {balance} >= 80");
            if (balance < 80)
            {
                log.Add($"{name} gives up");
                return;
            }

            if (fixedVersion)
            {
                balance -= 80;
                log.Add($"{name} debits 80: balance {balance}");
                await Coroutine.Yield();
                log.Add($"{name} audited");
                return;
            }

            await Coroutine.Yield();
            log.Add($"{name} audited");
            balance -= 80;
            log.Add($"{name} debits 80: balance {balance}");
        }

        var loop = EventLoop.Current;
        var a = loop.CreateTask(Withdraw("A", 0), "A");
        var b = loop.CreateTask(Withdraw("B", 1), "B");
        await a;
        await b;
        if (balance < 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Overdrawn: the balance is {balance}."));
        }
    }
}
