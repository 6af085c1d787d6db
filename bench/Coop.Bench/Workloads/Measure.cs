// Measurements shared by the workloads, exactly as the peers take them (bench-peers/dotnet-common):
// VmRSS/VmHWM from /proc/self/status, process CPU time, the xorshift durations, nearest-rank
// percentiles, and the one JSON line each run prints.
using System.Globalization;
using System.Text.Json;

namespace Coop.Bench.Workloads;

internal static class Measure
{
    public static long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    public static double Mib(long kib) => Math.Round(kib / 1024.0, 1);

    public static int[] Durations(int n, int maxMs, uint seed)
    {
        var s = seed;
        var d = new int[n];
        for (var i = 0; i < n; i++)
        {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            d[i] = (int)(s % (uint)(maxMs + 1));
        }

        return d;
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted[Math.Max(0, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

    public static double CpuSeconds() => Environment.CpuUsage.TotalTime.TotalSeconds;

    public static double R(double x, int digits) => Math.Round(x, digits);

    public static void FullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static void Emit(string workload, string impl, Dictionary<string, object> pars,
        Dictionary<string, object> figures, string check)
    {
        var record = new Dictionary<string, object>
        {
            ["workload"] = workload,
            ["impl"] = impl,
            ["params"] = pars,
            ["figures"] = figures,
            ["check"] = check,
            ["runtime"] = Environment.Version.ToString(),
            // where the time goes: the GC's share of the run (extra keys are allowed by the contract)
            ["gc"] = new Dictionary<string, object>
            {
                ["gen0"] = GC.CollectionCount(0),
                ["gen1"] = GC.CollectionCount(1),
                ["gen2"] = GC.CollectionCount(2),
                ["pause_ms"] = R(GC.GetTotalPauseDuration().TotalMilliseconds, 1),
                ["allocated_mib"] = R(GC.GetTotalAllocatedBytes() / 1048576.0, 1),
            },
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(record));
        Console.Out.Flush();
    }
}
