// The fix for COOP002: run the dropped coroutine where it was created. In an async coroutine the
// statement becomes `await x;` (a generator is first started as a task: `await loop.CreateTask(g);`);
// in a generator it becomes `yield return x;` (an async coroutine is started as a task and the task
// yielded). `_ = x;` is rewritten the same way: the discard hid the bug, it did not decide anything.
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Awaits or yields a coroutine that was created and dropped (COOP002).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DroppedCoroutineCodeFix))]
[Shared]
public sealed class DroppedCoroutineCodeFix : CoopCodeFix
{
    /// <summary>Fixes COOP002.</summary>
    public DroppedCoroutineCodeFix()
        : base(CoopDiagnostics.DroppedCoroutineId)
    {
    }

    /// <inheritdoc />
    protected override string? Title(string fix) => fix switch
    {
        DroppedCoroutineAnalyzer.AwaitFix => "Await the coroutine",
        DroppedCoroutineAnalyzer.AwaitTaskFix => "Run the generator as a task and await it",
        DroppedCoroutineAnalyzer.YieldFix => "Yield the generator (yield from)",
        DroppedCoroutineAnalyzer.YieldTaskFix => "Run the coroutine as a task and yield it",
        _ => null,
    };

    /// <inheritdoc />
    protected override SyntaxNode? Rewrite(SyntaxNode root, SyntaxNode flagged, string fix, Diagnostic diagnostic, CoopSyntax coop)
    {
        if (flagged.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
        {
            return null;
        }

        var dropped = statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.Text: "_" } } discard
            ? discard.Right
            : statement.Expression;
        StatementSyntax replacement = fix switch
        {
            DroppedCoroutineAnalyzer.AwaitFix => Awaited(dropped, statement),
            DroppedCoroutineAnalyzer.AwaitTaskFix => Awaited(coop.CreateTask(dropped), statement),
            DroppedCoroutineAnalyzer.YieldFix => CoopSyntax.YieldReturn(dropped, statement),
            _ => CoopSyntax.YieldReturn(coop.CreateTask(dropped), statement),
        };
        return root.ReplaceNode(statement, replacement);
    }

    private static ExpressionStatementSyntax Awaited(ExpressionSyntax awaited, ExpressionStatementSyntax statement) =>
        SyntaxFactory.ExpressionStatement(SyntaxFactory.AwaitExpression(awaited.WithoutTrivia()))
            .WithTriviaFrom(statement)
            .WithAdditionalAnnotations(Formatter.Annotation);
}
