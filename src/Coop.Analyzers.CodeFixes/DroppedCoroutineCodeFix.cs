// The fix for COOP002: run the dropped coroutine where it was created. In an async coroutine the
// statement becomes `await x;` (a generator is first started as a task: `await loop.CreateTask(g);`);
// in a generator it becomes `yield return x;` (an async coroutine is started as a task and the task
// yielded). `_ = x;` is rewritten the same way: the discard hid the bug, it did not decide anything.
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Awaits or yields a coroutine that was created and dropped (COOP002).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DroppedCoroutineCodeFix))]
[Shared]
public sealed class DroppedCoroutineCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [CoopDiagnostics.DroppedCoroutineId];

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
                DroppedCoroutineAnalyzer.AwaitFix => "Await the coroutine",
                DroppedCoroutineAnalyzer.AwaitTaskFix => "Run the generator as a task and await it",
                DroppedCoroutineAnalyzer.YieldFix => "Yield the generator (yield from)",
                DroppedCoroutineAnalyzer.YieldTaskFix => "Run the coroutine as a task and yield it",
                _ => null,
            };
            if (title != null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, c => FixAsync(context.Document, diagnostic, c), equivalenceKey: nameof(DroppedCoroutineCodeFix)),
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
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
        {
            return document;
        }

        var dropped = statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" } } discard
            ? discard.Right
            : statement.Expression;
        StatementSyntax replacement = diagnostic.Properties[FixProperties.Fix] switch
        {
            DroppedCoroutineAnalyzer.AwaitFix => Awaited(dropped, statement),
            DroppedCoroutineAnalyzer.AwaitTaskFix => Awaited(coop.CreateTask(dropped), statement),
            DroppedCoroutineAnalyzer.YieldFix => CoopSyntax.YieldReturn(dropped, statement),
            _ => CoopSyntax.YieldReturn(coop.CreateTask(dropped), statement),
        };
        return document.WithSyntaxRoot(root.ReplaceNode(statement, replacement));
    }

    private static ExpressionStatementSyntax Awaited(ExpressionSyntax awaited, ExpressionStatementSyntax statement) =>
        SyntaxFactory.ExpressionStatement(SyntaxFactory.AwaitExpression(awaited.WithoutTrivia()))
            .WithTriviaFrom(statement)
            .WithAdditionalAnnotations(Formatter.Annotation);
}
