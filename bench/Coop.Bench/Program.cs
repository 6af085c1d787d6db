// Coop's benchmark program. Two entries:
//   coop-bench W1..W7 [--name value ...] [--kind generator|async|scheduler] [--loops N]
//       one workload of ../shared/bench-peers/WORKLOADS.md, one JSON line on stdout (W6 and W7 are
//       servers: `--port P`, the "listening" line, then serve until SIGTERM; the launcher
//       `bench` next to this file runs it; the peers' `run --add` calls the launcher); `--loops N`
//       (W1, W6, W7) runs it on a LoopGroup of N loops (Workloads/GroupWorkloads.cs,
//       Workloads/GroupBenchServer.cs); 1, the default, is the single loop's own code path;
//   coop-bench crossloop [--messages N] [--capacity C] [--pings P] [--reps R]
//       a cross-loop channel between two loops vs System.Threading.Channels between two threads:
//       messages/s and one message's latency (CrossLoop/CrossLoopComparison.cs);
//   coop-bench timers [--timers N]
//       binary heap vs 4-ary heap vs hierarchical timing wheel, N pending timers (Timers/);
//   coop-bench lateness [--tasks N] [--period-ms P] [--seconds S] [--sleep0 1] [--kind async|generator]
//       how late a periodic timer fires while N tasks yield in a loop (Workloads/TimerLateness.cs);
//   coop-bench alloc
//       exact bytes allocated per operation on the hot paths (Micro/Allocations.cs);
//   coop-bench micro [BenchmarkDotNet arguments]
//       the BenchmarkDotNet micro-benchmarks in Micro/ (e.g. `micro --filter '*Yield*'`).
using BenchmarkDotNet.Running;
using Coop.Bench.CrossLoop;
using Coop.Bench.Micro;
using Coop.Bench.Timers;
using Coop.Bench.Workloads;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: bench W1..W5 [--name value ...] [--kind generator|async|scheduler] [--loops N (W1)]");
    Console.Error.WriteLine("       bench W6|W7 --port P [--max-seconds S] [--kind generator|async] [--loops N]");
    Console.Error.WriteLine("       bench crossloop [--messages N] [--capacity C] [--pings P] [--reps R]");
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

if (args[0] == "crossloop")
{
    return CrossLoopComparison.Run(new Options(args));
}

var options = new Options(args);
var loops = options.Int("loops", 1);
if (loops < 1 || (loops > 1 && options.Workload is not ("W1" or "W6" or "W7")) || (loops > 1 && options.Kind == "scheduler"))
{
    Console.Error.WriteLine($"--loops {loops}: a group of N >= 1 loops runs W1, W6 and W7 with --kind generator or async");
    return 2;
}

if (options.Workload == "W6")
{
    return EchoServer.Run(options); // a server: the harness measures it (no timed region here)
}

if (options.Workload == "W7")
{
    return HttpServer.Run(options);
}

Precompile.CoopAndWorkloads(); // outside every timed region, as the JIT of the entry point is
if (loops > 1)
{
    return GroupWorkloads.W1(options, loops);
}

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
