// Compiles Coop's code, and the workloads' own, before a workload's timed region: as ReadyToRun or
// Native AOT would have it precompiled, and as the BCL code the .NET peers run is. WORKLOADS.md keeps
// runtime start-up and the JIT of the entry point outside the timed region; with tiered compilation
// off, the JIT of each method of the loop would otherwise fall on its first call, inside the region
// (W3: ~20 ms of JIT just when the first timers are due). Nothing runs: methods are compiled, not
// called. Generic methods compile on first use, as before. docs/benchmarks.md, "Runtime settings".
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Coop.Bench.Workloads;

internal static class Precompile
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Compiles every non-generic method of Coop's runtime and of the workloads, unless the
    /// environment sets COOP_BENCH_JIT=lazy (the control rows of a sweep).</summary>
    public static void CoopAndWorkloads()
    {
        if (Environment.GetEnvironmentVariable("COOP_BENCH_JIT") == "lazy")
        {
            return;
        }

        var types = typeof(EventLoop).Assembly.GetTypes()
            .Concat(typeof(Precompile).Assembly.GetTypes().Where(t => t.Namespace == typeof(Precompile).Namespace))
            .Where(t => !t.ContainsGenericParameters)
            .ToArray();

        // Static constructors first: the JIT then reads static readonly fields as constants, as it
        // does for a method compiled on its first call (without this, W1 ran ~10 % slower).
        foreach (var type in types)
        {
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        }

        foreach (var method in types.SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared))))
        {
            if (!method.IsAbstract && !method.ContainsGenericParameters && method.GetMethodBody() != null)
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
            }
        }

        // The compiled code adds ~7.5 MiB to the process's RSS before the workload starts: W2's peak
        // RSS counts it (a full GC here gives none of it back), W4's bytes per task do not.
    }
}
