using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Coop.Analyzers.Tests;

/// <summary>The C# blocks of README.md and docs/*.md (the tutorial among them) raise no Coop diagnostic:
/// the documentation never shows a coroutine that blocks, drops a coroutine or yields what the task
/// cannot follow. Each block is compiled as a script (blocks are fragments: statements, methods), with
/// the usings the tutorial tells readers to write; compiler errors from fragments are ignored, the
/// analyzers still see every coroutine that binds. docs/diagnostics.md shows mistakes on purpose and
/// is left out.</summary>
public partial class DocsCodeTests
{
    private const string Usings = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Numerics;
        using System.Threading;
        using System.Threading.Tasks;
        using Coop;
        using Coop.Talk;
        using Coop.Testing;
        using static Coop.Talk.TalkFunctions;

        """;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers =
        [new BlockingCallAnalyzer(), new DroppedCoroutineAnalyzer(), new GeneratorYieldAnalyzer(), new BclTaskAwaitAnalyzer()];

    [Fact]
    public async Task CodeBlocks_InReadmeAndDocs_HaveNoCoopDiagnostics()
    {
        var root = RepositoryRoot();
        var pages = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .Where(p => Path.GetFileName(p) != "diagnostics.md")
            .Append(Path.Combine(root, "README.md"))
            .Order(StringComparer.Ordinal);
        var found = new List<string>();
        var blocks = 0;
        foreach (var page in pages)
        {
            var text = await File.ReadAllTextAsync(page);
            foreach (Match block in CSharpBlock().Matches(text))
            {
                blocks++;
                foreach (var diagnostic in await AnalyzeAsync(block.Groups[1].Value))
                {
                    // Lines of the page: the block's code starts on the line after its fence.
                    var line = text.AsSpan(0, block.Index).Count('\n') + 2 +
                        diagnostic.Location.GetLineSpan().StartLinePosition.Line - Usings.Count('\n');
                    found.Add($"{Path.GetFileName(page)}({line}): {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
                }
            }
        }

        Assert.True(blocks > 20, $"only {blocks} C# blocks found: is the repository root right ({root})?");
        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
    }

    [Fact]
    public async Task Analyze_BlockThatBlocksAndDrops_ReportsBoth()
    {
        var diagnostics = await AnalyzeAsync("""
            static async Coroutine Main()
            {
                Thread.Sleep(100);
                Work();
            }

            static async Coroutine Work() => await Coroutine.Yield();
            """);
        Assert.Equal(["COOP001", "COOP002"], diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string block)
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + block, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
        var compilation = CSharpCompilation.CreateScriptCompilation(
            "DocBlock",
            tree,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var diagnostics = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => d.Id.StartsWith("COOP", StringComparison.Ordinal)).ToImmutableArray();
    }

    // Everything the test process runs on: the .NET libraries, Coop.Runtime, Coop.Talk and Coop.Testing.
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray());

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coop.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Coop.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"```csharp\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
