// The fix for COOP003: yield what the task understands instead. A .NET Task becomes
// Coroutine.FromTask(task), an async coroutine EventLoop.Current.CreateTask(coroutine) (a task is a
// future the generator waits on), Coroutine.Yield() becomes null, and a value yielded just before the
// generator ends becomes Coroutine.Return(value).
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Replaces a yielded value a Coop task cannot follow with one it can (COOP003).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GeneratorYieldCodeFix))]
[Shared]
public sealed class GeneratorYieldCodeFix : CoopCodeFix
{
    /// <summary>Fixes COOP003.</summary>
    public GeneratorYieldCodeFix()
        : base(CoopDiagnostics.UnknownYieldId)
    {
    }

    /// <inheritdoc />
    protected override string? Title(string fix) => fix switch
    {
        GeneratorYieldAnalyzer.FromTaskFix => "Yield Coroutine.FromTask(task)",
        GeneratorYieldAnalyzer.CreateTaskFix => "Run the coroutine as a task and yield the task",
        GeneratorYieldAnalyzer.NullFix => "Yield null to hand control back",
        GeneratorYieldAnalyzer.ReturnFix => "End the generator with this value (Coroutine.Return)",
        _ => null,
    };

    /// <inheritdoc />
    protected override SyntaxNode? Rewrite(SyntaxNode root, SyntaxNode flagged, string fix, Diagnostic diagnostic, CoopSyntax coop)
    {
        if (flagged is not ExpressionSyntax yielded)
        {
            return null;
        }

        var replacement = fix switch
        {
            GeneratorYieldAnalyzer.FromTaskFix => coop.FromTask(yielded, diagnostic.Properties.ContainsKey(FixProperties.AsTask)),
            GeneratorYieldAnalyzer.CreateTaskFix => coop.CreateTask(yielded),
            GeneratorYieldAnalyzer.NullFix => SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression),
            _ => coop.Return(yielded),
        };
        return root.ReplaceNode(yielded, replacement.WithTriviaFrom(yielded));
    }
}
