using System.Reflection;
using System.Text.RegularExpressions;

namespace Coop.Tests.Docs;

/// <summary>docs/internals.md walks through the code by file and member name: every file it names
/// must exist, and every `Type.Member` must be a member of that type in Coop's assembly, so the tour
/// cannot drift from the code.</summary>
public partial class InternalsDocTests
{
    private const BindingFlags Any =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;

    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coop.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Coop.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> CodeSpans() =>
        CodeSpan().Matches(File.ReadAllText(Path.Combine(Root, "docs", "internals.md"))).Select(m => m.Groups[1].Value);

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[A-Za-z]+/[A-Za-z.]+\.cs$")]
    private static partial Regex FilePath();

    [GeneratedRegex(@"^([A-Z][A-Za-z]*)(<[A-Za-z, ]+>)?\.([A-Z][A-Za-z]*)$")]
    private static partial Regex TypeMember();

    [Fact]
    public void EveryFileNamed_Exists()
    {
        var files = CodeSpans().Where(s => FilePath().IsMatch(s)).Distinct().ToList();
        Assert.True(files.Count >= 10, $"the tour names {files.Count} files: the pattern no longer finds them");
        var missing = files.Where(f => !File.Exists(Path.Combine(Root, "src", "Coop", f)) && !File.Exists(Path.Combine(Root, f)));
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryTypeMemberNamed_Exists()
    {
        var types = typeof(EventLoop).Assembly.GetTypes()
            .GroupBy(t => t.Name.Split('`')[0])
            .ToDictionary(g => g.Key, g => g.ToList());
        var named = CodeSpans().Select(s => TypeMember().Match(s)).Where(m => m.Success).ToList();
        Assert.True(named.Count >= 30, $"the tour names {named.Count} members: the pattern no longer finds them");
        var missing = named
            .Where(m => !types.TryGetValue(m.Groups[1].Value, out var candidates)
                || !candidates.Any(t => t.GetMember(m.Groups[3].Value, Any).Length > 0 || HasNested(t, m.Groups[3].Value)))
            .Select(m => m.Value)
            .Distinct();
        Assert.Empty(missing);
    }

    [Fact]
    public void TheAsyncTaskPath_ReadsThroughAtMostTenFiles()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs", "internals.md"));
        var table = text[..text.IndexOf("## 1.", StringComparison.Ordinal)];
        var rows = PathRow().Count(table);
        Assert.InRange(rows, 1, 10);
    }

    [GeneratedRegex(@"^\| \d+ \| `[^`]+\.cs` \|", RegexOptions.Multiline)]
    private static partial Regex PathRow();

    private static bool HasNested(Type type, string name)
    {
        for (var t = type; t != null; t = t.BaseType)
        {
            if (t.GetNestedTypes(Any).Any(n => n.Name.Split('`')[0] == name))
            {
                return true;
            }
        }

        return false;
    }
}
