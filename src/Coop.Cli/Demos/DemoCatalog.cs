using Spectre.Console;

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

    /// <summary>Writes the list <c>coop demo</c> prints: a heading, then one line per demo, its name
    /// in colour where <paramref name="console"/> shows colour.</summary>
    public static void WriteList(IAnsiConsole console)
    {
        console.MarkupLine("Demos (run one with: [bold]coop demo NAME[/] [[--seconds N]]):");
        foreach (var demo in All)
        {
            console.MarkupLine($"  [green]{Markup.Escape(demo.Name.PadRight(14))}[/] {Markup.Escape(demo.Summary)}");
        }
    }
}
