using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Coop.Analyzers.Tests.Support;

/// <summary>Runs an analyzer (and its code fix) over test code compiled against .NET 10 and Coop. Test
/// code is written without the usings of <see cref="Header"/>, which is put in front of it.</summary>
public static class CoopVerifier<TAnalyzer, TFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFix : CodeFixProvider, new()
{
    /// <summary>What every test source starts with.</summary>
    public const string Header = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using Coop;

        """;

    // The reference pack the SDK restores (the test project's PackageDownload puts it in the global
    // packages folder, where the testing library looks before it would download anything).
    private static readonly ReferenceAssemblies Net100 = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.0"),
        Path.Combine("ref", "net10.0"));

    /// <summary>Expects exactly the diagnostics marked in <paramref name="source"/> (<c>{|COOP001:...|}</c>).</summary>
    public static Task VerifyAsync(string source, bool withCoop = true, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = HeaderFor(withCoop) + source };
        return RunAsync(test, withCoop, expected);
    }

    /// <summary>Expects the diagnostics marked in <paramref name="source"/> and no code fix offered for any.</summary>
    public static Task VerifyNoFixAsync(string source) => VerifyFixAsync(source, source);

    /// <summary>As <see cref="VerifyFixAsync"/>, for code that references Coop without <c>using Coop;</c>.</summary>
    public static Task VerifyFixWithoutUsingAsync(string source, string fixedSource)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = HeaderFor(withCoop: false) + source,
            FixedCode = HeaderFor(withCoop: false) + fixedSource,

            // The simplifier leaves `Coop.Coroutine` as a qualified type name where the parser reads a
            // member access: the same text, another tree, so only the text is compared.
            CodeActionValidationMode = CodeActionValidationMode.None,
        };
        return RunAsync(test, withCoop: true, []);
    }

    /// <summary>Expects the diagnostics marked in <paramref name="source"/> (and <paramref name="expected"/>)
    /// and, once each fix is applied, <paramref name="fixedSource"/>.</summary>
    public static Task VerifyFixAsync(string source, string fixedSource, bool withCoop = true, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = HeaderFor(withCoop) + source,
            FixedCode = HeaderFor(withCoop) + fixedSource,
        };
        return RunAsync(test, withCoop, expected);
    }

    // A compilation without Coop cannot have `using Coop;`; one with Coop may leave it out.
    private static string HeaderFor(bool withCoop) => withCoop ? Header : Header.Replace("using Coop;\n", "", StringComparison.Ordinal);

    private static Task RunAsync(AnalyzerTest<DefaultVerifier> test, bool withCoop, DiagnosticResult[] expected)
    {
        test.ReferenceAssemblies = Net100;
        test.ExpectedDiagnostics.AddRange(expected);
        if (withCoop)
        {
            test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(Coroutine).Assembly.Location));
        }

        return test.RunAsync(CancellationToken.None);
    }
}
