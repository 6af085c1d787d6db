// BenchmarkDotNet settings for the micro-benchmarks: in-process (no generated project to build, which
// matters on a shared 2-core machine), a short run, and the memory diagnoser on every benchmark.
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Coop.Bench.Micro;

internal sealed class MicroConfig : ManualConfig
{
    public MicroConfig()
    {
        Add(DefaultConfig.Instance); // loggers, columns, exporters
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
        Options |= ConfigOptions.DisableOptimizationsValidator;
    }
}
