// The fix for COOP003: yield what the task understands instead. A .NET Task becomes
// Coroutine.FromTask(task), an async coroutine EventLoop.RunningLoop.CreateTask(coroutine) (a task is a
// future the generator waits on), Coroutine.Yield() becomes null, and a value yielded just before the
// generator ends becomes Coroutine.Return(value).
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Replaces a yielded value a Coop task cannot follow with one it can (COOP003).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GeneratorYieldCodeFix))]
[Shared]
public sealed class GeneratorYieldCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [CoopDiagnostics.UnknownYieldId];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    // One equivalence key for every rewrite of this diagnostic, so "fix all" applies them all at once.
    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var title = diagnostic.Properties.GetValueOrDefault(FixProperties.Fix) switch
            {
                GeneratorYieldAnalyzer.FromTaskFix => "Yield Coroutine.FromTask(task)",
                GeneratorYieldAnalyzer.CreateTaskFix => "Run the coroutine as a task and yield the task",
                GeneratorYieldAnalyzer.NullFix => "Yield null to hand control back",
                GeneratorYieldAnalyzer.ReturnFix => "End the generator with this value (Coroutine.Return)",
                _ => null,
            };
            if (title != null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, c => FixAsync(context.Document, diagnostic, c), equivalenceKey: nameof(GeneratorYieldCodeFix)),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var coop = await CoopSyntax.ForAsync(document, cancellationToken).ConfigureAwait(false);
        if (root == null || coop == null ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax yielded)
        {
            return document;
        }

        var replacement = diagnostic.Properties[FixProperties.Fix] switch
        {
            GeneratorYieldAnalyzer.FromTaskFix => coop.FromTask(yielded, diagnostic.Properties.ContainsKey(FixProperties.AsTask)),
            GeneratorYieldAnalyzer.CreateTaskFix => coop.CreateTask(yielded),
            GeneratorYieldAnalyzer.NullFix => SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression),
            _ => coop.Return(yielded),
        };
        return document.WithSyntaxRoot(root.ReplaceNode(yielded, replacement.WithTriviaFrom(yielded)));
    }
}
