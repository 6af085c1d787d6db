// The command line of the workload program, as ../shared/bench-peers/WORKLOADS.md fixes it:
// `bench W1 --tasks 1000 --yields 10000 [--kind generator|async|scheduler]`.
using System.Globalization;

namespace Coop.Bench.Workloads;

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new();

    public Options(string[] args)
    {
        Workload = args[0].ToUpperInvariant();
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            _values[args[i].TrimStart('-').Replace('-', '_')] = args[i + 1];
        }
    }

    public string Workload { get; }

    public string Kind => _values.TryGetValue("kind", out var k) ? k : "generator";

    public bool Flag(string name) => _values.TryGetValue(name, out var v) && v is "1" or "true";

    public int Int(string name, int def) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : def;
}
