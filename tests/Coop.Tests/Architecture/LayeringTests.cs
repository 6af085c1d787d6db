using System.Text.RegularExpressions;
using Coop.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Tests.Architecture;

/// <summary>
/// The layers of docs/design.md's picture, enforced (Trio tests its exports the same way): a file of
/// the runtime may use only what its own layer and the layers below it declare. The picture is read
/// from design.md itself, so changing the layers means changing the picture, and the picture cannot
/// drift from the code.
/// </summary>
public partial class LayeringTests
{
    private static readonly Lazy<Layers> Picture = new(Layers.FromDesignDoc);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    [Fact]
    public void Runtime_EveryFileUsesOnlyItsLayerAndTheLayersBelow()
    {
        var compilation = RuntimeCompilation(out var files);

        var violations = Violations(compilation, files, Picture.Value);

        Assert.True(violations.Count == 0, "Upward references:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Picture_NamesEveryFolderOfTheRuntime()
    {
        var picture = Picture.Value;
        var folders = Directory.GetDirectories(Repository.PathOf("src/Coop"))
            .Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj"))
            .ToList();

        Assert.All(folders, folder => Assert.True(picture.Knows(folder!), $"src/Coop/{folder}/ is in no layer of docs/design.md's picture."));
        Assert.All(picture.Folders, folder => Assert.True(Directory.Exists(Repository.PathOf("src/Coop/" + folder)), $"The picture names src/Coop/{folder}/, which does not exist."));
    }

    [Fact]
    public void Runtime_ReferencesNoAssemblyOfTheLayersAbove()
    {
        var above = new[] { "Coop.Testing", "Coop.Talk", "Coop.Hosting", "Coop.Xunit", "coop" };
        var referenced = typeof(EventLoop).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain(referenced, name => above.Contains(name, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Layers_AKernelFileUsingAStructureType_IsReported()
    {
        // The check itself can fail: a kernel file that names a cancel scope is one upward reference.
        var probe = CSharpSyntaxTree.ParseText(
            "namespace Coop; internal static class Probe { internal static object Make() => new CancelScope(); }",
            ParseOptions,
            path: "Core/Probe.cs");
        var compilation = RuntimeCompilation(out _).AddSyntaxTrees(probe);

        var violations = Violations(compilation, [(probe, "Core/Probe.cs")], Picture.Value);

        var violation = Assert.Single(violations);
        Assert.Contains("Core/Probe.cs:1", violation, StringComparison.Ordinal);
        Assert.Contains("Coop.CancelScope from Structure/CancelScope.cs", violation, StringComparison.Ordinal);
    }

    /// <summary>Each use, in <paramref name="files"/>, of a symbol declared in a higher layer (once per
    /// symbol and file), as "file:line (layer) uses symbol from file (layer)".</summary>
    private static List<string> Violations(CSharpCompilation compilation, IEnumerable<(SyntaxTree Tree, string Relative)> files, Layers picture)
    {
        var violations = new List<string>();
        foreach (var (tree, relative) in files)
        {
            var from = picture.LayerOf(relative);
            var model = compilation.GetSemanticModel(tree);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var info = model.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol == null || HomeOf(symbol, picture) is not { } home || picture.Rank(home.Layer) <= picture.Rank(from))
                {
                    continue;
                }

                var display = symbol.OriginalDefinition.ToDisplayString();
                if (seen.Add(display))
                {
                    var line = name.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    violations.Add($"{relative}:{line} ({from}) uses {display} from {home.File} ({home.Layer})");
                }
            }
        }

        return violations;
    }

    /// <summary>Where a symbol is declared: the lowest layer among its source parts (a partial type
    /// belongs to the layer of its first part; a member to the file that declares it).</summary>
    private static (string Layer, string File)? HomeOf(ISymbol symbol, Layers picture)
    {
        symbol = symbol.OriginalDefinition;
        (string Layer, string File)? home = null;
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var relative = RelativeToRuntime(reference.SyntaxTree.FilePath);
            if (relative == null || !picture.Covers(relative))
            {
                continue;
            }

            var layer = picture.LayerOf(relative);
            if (home == null || picture.Rank(layer) < picture.Rank(home.Value.Layer))
            {
                home = (layer, relative);
            }
        }

        return home;
    }

    private static string? RelativeToRuntime(string path)
    {
        var root = Repository.PathOf("src/Coop") + Path.DirectorySeparatorChar;
        if (path.StartsWith(root, StringComparison.Ordinal))
        {
            return path[root.Length..].Replace(Path.DirectorySeparatorChar, '/');
        }

        return path.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(path) ? path : null;
    }

    private static CSharpCompilation RuntimeCompilation(out List<(SyntaxTree Tree, string Relative)> files)
    {
        var root = Repository.PathOf("src/Coop");
        files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (CSharpSyntaxTree.ParseText(File.ReadAllText(f), ParseOptions, f), RelativeToRuntime(f)!))
            .ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create(
            "LayeringProbe",
            files.Select(f => f.Tree),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The picture: layers from the top down, each with the folders of src/Coop it holds.</summary>
    private sealed partial class Layers
    {
        private readonly List<(string Layer, string[] Folders)> _topDown;

        private Layers(List<(string Layer, string[] Folders)> topDown) => _topDown = topDown;

        public IEnumerable<string> Folders => _topDown.SelectMany(l => l.Folders);

        public static Layers FromDesignDoc()
        {
            var text = File.ReadAllText(Repository.PathOf("docs/design.md"));
            var block = LayersBlock().Match(text);
            Assert.True(block.Success, "docs/design.md has no ```text block headed 'Layers of src/Coop'.");
            var rows = new List<(string, string[])>();
            foreach (var line in block.Groups["body"].Value.Split('\n'))
            {
                var row = LayerRow().Match(line);
                if (row.Success)
                {
                    var folders = row.Groups["folders"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(f => f.TrimEnd('/'))
                        .ToArray();
                    rows.Add((row.Groups["layer"].Value, folders));
                }
            }

            Assert.True(rows.Count >= 2, "The layers picture in docs/design.md lists fewer than two layers.");
            return new Layers(rows);
        }

        public bool Knows(string folder) => _topDown.Any(l => l.Folders.Contains(folder, StringComparer.Ordinal));

        public bool Covers(string relative) => relative.Contains('/', StringComparison.Ordinal) && Knows(relative[..relative.IndexOf('/', StringComparison.Ordinal)]);

        public string LayerOf(string relative)
        {
            var folder = relative.Contains('/', StringComparison.Ordinal) ? relative[..relative.IndexOf('/', StringComparison.Ordinal)] : "";
            foreach (var (layer, folders) in _topDown)
            {
                if (folders.Contains(folder, StringComparer.Ordinal))
                {
                    return layer;
                }
            }

            throw new InvalidOperationException($"src/Coop/{relative} is in no layer of docs/design.md's picture.");
        }

        /// <summary>0 for the bottom layer, higher above.</summary>
        public int Rank(string layer) => _topDown.Count - 1 - _topDown.FindIndex(l => l.Layer == layer);

        [GeneratedRegex(@"```text\n(?:[^\n]*\n)*?[^\n]*Layers of src/Coop[^\n]*\n(?<body>(?:[^`][^\n]*\n)*?)```")]
        private static partial Regex LayersBlock();

        [GeneratedRegex(@"^\s*(?<layer>[A-Za-z][\w ]*?)\s{2,}src/Coop/(?<folders>.+?)\s*$")]
        private static partial Regex LayerRow();
    }
}
