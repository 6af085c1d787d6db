namespace Coop.Cli.Demos;

/// <summary>Every demo in this assembly, in reading order.</summary>
internal static class DemoCatalog
{
    public static IReadOnlyList<Demo> All { get; } = typeof(Demo).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Demo)) && !t.IsAbstract)
        .Select(t => (Demo)Activator.CreateInstance(t)!)
        .OrderBy(d => d.Order)
        .ThenBy(d => d.Name, StringComparer.Ordinal)
        .ToList();

    public static Demo? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Writes the list <c>coop demo</c> prints: a heading, then one line per demo.</summary>
    public static void WriteList(TextWriter output)
    {
        output.WriteLine("Demos (run one with: coop demo NAME [--seconds N]):");
        foreach (var demo in All)
        {
            output.WriteLine($"  {demo.Name,-14} {demo.Summary}");
        }
    }
}
