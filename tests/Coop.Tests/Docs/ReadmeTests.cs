using System.Text.RegularExpressions;
using Coop.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Coop.Tests.Docs;

/// <summary>Every C# block of README.md, read from the README itself, compiled with Roslyn against the
/// Coop assemblies built beside the tests and run as its own process; when a ```text block follows
/// it, the program's output must be exactly that text.</summary>
public partial class ReadmeTests
{
    private static readonly Lazy<List<ReadmeBlock>> Blocks = new(() => ReadmeBlock.Parse(File.ReadAllText(ReadmePath)));

    public static TheoryData<int> BlockNumbers()
    {
        var numbers = new TheoryData<int>();
        for (var i = 0; i < Blocks.Value.Count; i++)
        {
            numbers.Add(i);
        }

        return numbers;
    }

    private static string ReadmePath
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var readme = Path.Combine(dir.FullName, "README.md");
                if (File.Exists(readme) && File.Exists(Path.Combine(dir.FullName, "Coop.sln")))
                {
                    return readme;
                }
            }

            throw new FileNotFoundException("README.md was not found above " + AppContext.BaseDirectory);
        }
    }

    [Theory]
    [MemberData(nameof(BlockNumbers))]
    public void CSharpBlock_CompiledAndRun_ExitsCleanlyAndPrintsTheTextBlockAfterIt(int number)
    {
        var block = Blocks.Value[number];

        var (exitCode, output, error) = CompileAndRun(block, $"readme{number}");

        Assert.True(exitCode == 0, $"README block at line {block.Line} exited {exitCode}:\n{error}");
        if (block.ExpectedOutput != null)
        {
            Assert.Equal(block.ExpectedOutput, Normalize(output));
        }
    }

    [Fact]
    public void Readme_CodeBlocks_ShowEachCoroutineKindWithItsOutputAndKeepTheTwoCommandsAtTheTop()
    {
        var readme = File.ReadAllText(ReadmePath);
        var blocks = Blocks.Value;

        Assert.Contains(blocks, b => b.Code.Contains("IEnumerable<object?>", StringComparison.Ordinal) && b.ExpectedOutput != null);
        Assert.Contains(blocks, b => b.Code.Contains("async Coroutine", StringComparison.Ordinal) && b.ExpectedOutput != null);
        var firstHeading = readme.IndexOf("\n## ", StringComparison.Ordinal);
        Assert.InRange(readme.IndexOf("dotnet run --project src/Coop.Cli -- demo", StringComparison.Ordinal), 0, firstHeading);
        Assert.InRange(readme.IndexOf("\ndotnet test", StringComparison.Ordinal), 0, firstHeading);
    }

    [Fact]
    public void Parse_CSharpBlocksInEverySpelling_AreAllFoundAndOtherLanguagesAreNot()
    {
        const string markdown = "```csharp\nA();\n```\n\n```text\na\n```\n```cs\nB();\n```\n```c#\nC();\n```\n```sh\nls\n```\n";

        var blocks = ReadmeBlock.Parse(markdown);

        Assert.Equal(["A();\n", "B();\n", "C();\n"], blocks.Select(b => b.Code));
        Assert.Equal(["a", null, null], blocks.Select(b => b.ExpectedOutput));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    /// <summary>Compiles <paramref name="block"/> as a console program (top-level statements, the SDK's
    /// implicit usings) and runs it with <c>dotnet</c>, from a folder with the Coop assemblies.</summary>
    private static (int ExitCode, string Output, string Error) CompileAndRun(ReadmeBlock block, string name)
    {
        var here = AppContext.BaseDirectory;
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var libraries = Directory.GetFiles(here, "*.dll")
            .Where(f => Path.GetFileName(f) is var n
                && (n.StartsWith("Coop.", StringComparison.Ordinal) || n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
                && n != "Coop.Tests.dll")
            .ToList();
        const string implicitUsings =
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
            "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(implicitUsings, parse), CSharpSyntaxTree.ParseText(block.Code, parse, path: $"README.md:{block.Line}")],
            framework.Concat(libraries).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var folder = Directory.CreateTempSubdirectory("coop-readme-");
        try
        {
            var program = Path.Combine(folder.FullName, name + ".dll");
            var emitted = compilation.Emit(program);
            var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, $"README block at line {block.Line} does not compile cleanly:\n" + string.Join("\n", problems));
            foreach (var library in libraries)
            {
                File.Copy(library, Path.Combine(folder.FullName, Path.GetFileName(library)));
            }

            File.WriteAllText(
                Path.Combine(folder.FullName, name + ".runtimeconfig.json"),
                """{"runtimeOptions":{"tfm":"net10.0","framework":{"name":"Microsoft.NETCore.App","version":""" +
                $"\"{Environment.Version.ToString(3)}\"" + "}}}");
            return DotnetProcess.Run(program, [], TimeSpan.FromSeconds(30));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A C# block of the README: its code, the line it starts on, and the text block right
    /// after it, if any (blank lines between the two are allowed, nothing else).</summary>
    private sealed partial record ReadmeBlock(string Code, int Line, string? ExpectedOutput)
    {
        public static List<ReadmeBlock> Parse(string markdown)
        {
            var text = markdown.Replace("\r\n", "\n", StringComparison.Ordinal);
            var blocks = new List<ReadmeBlock>();
            foreach (Match match in Fence().Matches(text))
            {
                if (match.Groups["lang"].Value is not ("csharp" or "cs" or "c#"))
                {
                    continue;
                }

                var after = text[(match.Index + match.Length)..];
                var output = TextRightAfter().Match(after);
                var line = text[..match.Index].Count(c => c == '\n') + 1;
                blocks.Add(new ReadmeBlock(match.Groups["code"].Value, line, output.Success ? output.Groups["text"].Value.TrimEnd('\n') : null));
            }

            return blocks;
        }

        [GeneratedRegex(@"^```(?<lang>[^\s`]*)\n(?<code>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
        private static partial Regex Fence();

        [GeneratedRegex(@"\A\s*```text\n(?<text>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
        private static partial Regex TextRightAfter();
    }
}
