// Coop's benchmark program. Two entries:
//   coop-bench W1..W6 [--name value ...] [--kind generator|async|scheduler]
//       one workload of ../shared/bench-peers/WORKLOADS.md, one JSON line on stdout (the launcher
//       `bench` next to this file runs it; the peers' `run --add` calls the launcher);
//   coop-bench timers [--timers N]
//       binary heap vs 4-ary heap vs hierarchical timing wheel, N pending timers (Timers/);
//   coop-bench lateness [--tasks N] [--period-ms P] [--seconds S] [--sleep0 1] [--kind async|generator]
//       how late a periodic timer fires while N tasks yield in a loop (Workloads/TimerLateness.cs);
//   coop-bench alloc
//       exact bytes allocated per operation on the hot paths (Micro/Allocations.cs);
//   coop-bench micro [BenchmarkDotNet arguments]
//       the BenchmarkDotNet micro-benchmarks in Micro/ (e.g. `micro --filter '*Yield*'`).
using BenchmarkDotNet.Running;
using Coop.Bench.Micro;
using Coop.Bench.Timers;
using Coop.Bench.Workloads;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: bench W1..W5 [--name value ...] [--kind generator|async|scheduler]");
    Console.Error.WriteLine("       bench micro [BenchmarkDotNet arguments, e.g. --filter '*']");
    return 2;
}

if (args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(MicroConfig).Assembly).Run(args[1..], new MicroConfig());
    return 0;
}

if (args[0] == "timers")
{
    return TimerComparison.Run(args.Length > 2 && args[1] == "--timers" ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
}

if (args[0] == "lateness")
{
    return TimerLateness.Run(args[1..]);
}

if (args[0] == "alloc")
{
    return Allocations.Run();
}

var options = new Options(args);
if (options.Workload == "W6")
{
    return EchoServer.Run(options); // a server: the harness measures it (no timed region here)
}

Precompile.CoopAndWorkloads(); // outside every timed region, as the JIT of the entry point is
switch (options.Kind)
{
    case "generator":
        GeneratorWorkloads.Run(options);
        break;
    case "async":
        AsyncWorkloads.Run(options);
        break;
    case "scheduler":
        SchedulerWorkloads.Run(options);
        break;
    default:
        Console.Error.WriteLine($"unknown --kind {options.Kind}: use generator, async or scheduler");
        return 2;
}

return 0;
