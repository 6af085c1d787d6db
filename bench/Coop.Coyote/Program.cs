// Coop vs Microsoft Coyote: how many schedules each needs to find each sample bug, and how long it
// takes. Run with ./run.sh (it builds, has `coyote rewrite` instrument this assembly, and runs it).
// Each tool and strategy gets the same number of trials, each from a different seed, each allowed
// up to 1,000 schedules; the table gives the mean and median schedules to the first failure and the
// median wall time per trial (the machine is shared, so means are at the mercy of outliers).
// Prints Markdown tables for docs/testing.md.
using System.Diagnostics;
using System.Globalization;
using Coop;
using Coop.Coyote;
using Coop.Tests.Determinism.Samples;
using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;
using Coop.Testing;

const int Trials = 20;
const int Budget = 1000;
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

var bugs = new (string Name, Func<Coroutine> Coop, Func<Task> Coyote, string Expect)[]
{
    ("check-then-act", () => SampleBugs.CheckThenAct(false), CoyoteBugs.CheckThenAct, "Overdrawn"),
    ("lost update", () => SampleBugs.LostUpdate(false), CoyoteBugs.LostUpdate, "Lost update"),
    ("lock-ordering deadlock", () => SampleBugs.LockOrdering(false), CoyoteBugs.LockOrdering, "eadlock"),
    ("missed wake-up", () => SampleBugs.MissedWakeup(false), CoyoteBugs.MissedWakeup, "eadlock"),
};

Console.WriteLine($"| bug | tool / strategy | found (of {Trials} trials) | schedules to find: mean | median | max | wall time per trial (median) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var (name, coop, coyote, expect) in bugs)
{
    Report(name, "Coop random", t => CoopTrial(coop, ExploreStrategy.Random, t, expect));
    Report(name, "Coop PCT (d=3)", t => CoopTrial(coop, ExploreStrategy.Pct, t, expect));
    Report(name, "Coop exhaustive (no seed)", t => CoopTrial(coop, ExploreStrategy.Exhaustive, t, expect));
    Report(name, "Coyote random", t => CoyoteTrial(coyote, pct: false, t, expect));
    Report(name, "Coyote PCT (bound 2)", t => CoyoteTrial(coyote, pct: true, t, expect));
}

Console.WriteLine();
Console.WriteLine("| fixed version | schedules in all (Coop exhaustive) | all pass |");
Console.WriteLine("|---|---|---|");
foreach (var (name, fixedBody) in new (string, Func<Coroutine>)[]
{
    ("check-then-act", () => SampleBugs.CheckThenAct(true)),
    ("lost update", () => SampleBugs.LostUpdate(true)),
    ("lock-ordering deadlock", () => SampleBugs.LockOrdering(true)),
    ("missed wake-up", () => SampleBugs.MissedWakeup(true)),
})
{
    var all = Explore.Search(fixedBody, new ExploreOptions { Schedules = 100_000, Strategy = ExploreStrategy.Exhaustive });
    Console.WriteLine($"| {name} | {all.SchedulesRun}{(all.Exhausted ? "" : "+")} | {(!all.Failed && all.Exhausted ? "yes" : "no")} |");
}

static void Report(string bug, string tool, Func<int, int?> trial)
{
    trial(0); // warm up (JIT) outside the measurement
    var found = new List<int>();
    var times = new List<double>();
    for (var t = 1; t <= Trials; t++)
    {
        var clock = Stopwatch.StartNew();
        var n = trial(t);
        times.Add(clock.Elapsed.TotalMilliseconds);
        if (n is { } schedules)
        {
            found.Add(schedules);
        }
    }

    times.Sort();
    var perTrial = times[times.Count / 2];
    found.Sort();
    var mean = found.Count == 0 ? "-" : found.Average().ToString("F1", CultureInfo.InvariantCulture);
    var median = found.Count == 0 ? "-" : found[found.Count / 2].ToString(CultureInfo.InvariantCulture);
    var max = found.Count == 0 ? "-" : found[^1].ToString(CultureInfo.InvariantCulture);
    Console.WriteLine($"| {bug} | {tool} | {found.Count} | {mean} | {median} | {max} | {perTrial:F2} ms |");
}

static int? CoopTrial(Func<Coroutine> body, ExploreStrategy strategy, int trial, string expect)
{
    var result = Explore.Search(body, new ExploreOptions
    {
        Schedules = Budget, Strategy = strategy, Seed = 1 + (trial * 100_000L), Shrink = false,
    });
    if (result.Failed && !result.Failure!.Exception!.Message.Contains(expect, StringComparison.Ordinal))
    {
        throw new InvalidOperationException("Coop found another failure than the sample's bug: " + result.Report());
    }

    return result.Failed ? result.SchedulesRun : null;
}

static int? CoyoteTrial(Func<Task> body, bool pct, int trial, string expect)
{
    var config = Configuration.Create()
        .WithTestingIterations(Budget)
        .WithRandomGeneratorSeed((uint)(1 + (trial * 7919)))
        .WithPartiallyControlledConcurrencyAllowed(false)
        .WithConsoleLoggingEnabled(false)
        .WithTelemetryEnabled(false);
    config = pct ? config.WithPrioritizationStrategy(false, 2) : config.WithRandomStrategy();

    var console = Console.Out;
    Console.SetOut(TextWriter.Null); // Coyote logs each iteration to the console
    TestReport report;
    try
    {
        using var engine = TestingEngine.Create(config, body);
        engine.Run();
        report = engine.TestReport;
    }
    finally
    {
        Console.SetOut(console);
    }

    if (report.NumOfFoundBugs > 0 && !report.BugReports.Any(r => r.Contains(expect, StringComparison.Ordinal)))
    {
        throw new InvalidOperationException("Coyote found another failure than the sample's bug: " + string.Join("; ", report.BugReports));
    }

    return report.NumOfFoundBugs > 0 ? report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths : null;
}
