// The figures of each workload, computed and printed the same way for every coroutine kind,
// with the names WORKLOADS.md fixes (the harness reads them by name).
using System.Diagnostics;

namespace Coop.Bench.Workloads;

/// <summary>What a W3 run records: each task's lateness, and when the last one started its sleep.</summary>
internal sealed class SleepLog(int n)
{
    public double[] Late { get; } = Fill(n);

    public long LastStart { get; set; }

    private static double[] Fill(int n)
    {
        var late = new double[n];
        Array.Fill(late, double.NaN);
        return late;
    }
}

internal static class Report
{
    public static void W1(string impl, int tasks, int yields, double elapsed, int finished, int loops = 1, double? cpu = null)
    {
        var switches = (long)tasks * yields;
        var pars = new Dictionary<string, object> { ["tasks"] = tasks, ["yields"] = yields };
        var figures = new Dictionary<string, object>
        {
            ["switches"] = switches,
            ["elapsed_s"] = Measure.R(elapsed, 4),
            ["switches_per_s"] = Measure.R(switches / elapsed, 1),
        };
        if (loops > 1)
        {
            pars["loops"] = loops;
        }

        if (cpu is { } seconds)
        {
            figures["cpu_s"] = Measure.R(seconds, 4);
            figures["cores_used"] = Measure.R(seconds / elapsed, 2);
        }

        Measure.Emit("W1", impl, pars, figures,
            finished == tasks ? "ok" : $"only {finished} of {tasks} tasks finished");
    }

    public static void W2(string impl, int n, double elapsed, long sum, long rssStartKib)
    {
        var expect = (long)n * (n - 1) / 2;
        Measure.Emit("W2", impl, new() { ["tasks"] = n },
            new()
            {
                ["elapsed_s"] = Measure.R(elapsed, 4),
                ["tasks_per_s"] = Measure.R(n / elapsed, 1),
                ["peak_rss_mib"] = Measure.Mib(Measure.StatusKiB("VmHWM")),
                ["rss_start_mib"] = Measure.Mib(rssStartKib),
            },
            sum == expect ? "ok" : $"sum {sum} != {expect}");
    }

    public static void W3(string impl, int n, int maxMs, int seed, int[] d, SleepLog log,
        long start, double wall, double cpu)
    {
        var vals = log.Late.Where(x => !double.IsNaN(x)).ToArray();
        Array.Sort(vals);
        var missing = n - vals.Length;
        long dsum = 0;
        foreach (var v in d)
        {
            dsum += v;
        }

        Measure.Emit("W3", impl, new() { ["tasks"] = n, ["max_ms"] = maxMs, ["seed"] = seed },
            new()
            {
                ["wall_s"] = Measure.R(wall, 4),
                ["start_s"] = Measure.R(Stopwatch.GetElapsedTime(start, log.LastStart).TotalSeconds, 4),
                ["late_mean_ms"] = Measure.R(vals.Length == 0 ? double.NaN : vals.Average(), 3),
                ["late_p50_ms"] = Measure.R(vals.Length == 0 ? double.NaN : Measure.Percentile(vals, 50), 3),
                ["late_p99_ms"] = Measure.R(vals.Length == 0 ? double.NaN : Measure.Percentile(vals, 99), 3),
                ["late_max_ms"] = Measure.R(vals.Length == 0 ? double.NaN : vals[^1], 3),
                ["late_min_ms"] = Measure.R(vals.Length == 0 ? double.NaN : vals[0], 3),
                ["cpu_s"] = Measure.R(cpu, 3),
                ["durations_sum"] = dsum,
            },
            missing == 0 ? "ok" : $"{missing} tasks recorded nothing");
    }

    public static void W4(string impl, int n, long rssBeforeKib, long rssAfterKib, double release,
        int early, int finished)
    {
        var check = early != 0 ? $"{early} finished before the event was set"
            : finished != n ? $"only {finished} finished" : "ok";
        Measure.Emit("W4", impl, new() { ["tasks"] = n },
            new()
            {
                ["bytes_per_task"] = Measure.R((rssAfterKib - rssBeforeKib) * 1024.0 / n, 1),
                ["rss_before_mib"] = Measure.Mib(rssBeforeKib),
                ["rss_after_mib"] = Measure.Mib(rssAfterKib),
                ["release_ms"] = Measure.R(release * 1000.0, 2),
                ["release_per_s"] = Measure.R(n / release, 1),
            },
            check);
    }

    public static void W5(string impl, int depth, int yields, double el, double el1, bool ok)
    {
        Measure.Emit("W5", impl, new() { ["depth"] = depth, ["yields"] = yields },
            new()
            {
                ["elapsed_s"] = Measure.R(el, 5),
                ["elapsed_s_depth1"] = Measure.R(el1, 5),
                ["resumes_per_s"] = Measure.R(yields / el, 1),
                ["resumes_per_s_depth1"] = Measure.R(yields / el1, 1),
                ["depth_slowdown"] = Measure.R(el / el1, 2),
            },
            ok ? "ok" : "the chain did not return 0");
    }
}
