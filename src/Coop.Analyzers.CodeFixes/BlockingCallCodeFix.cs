// The fix for COOP001: the blocking call becomes a wait the loop can run others during. In an async
// coroutine the call is replaced by `await <future>`; in a generator, where the call's value is unused,
// its statement becomes `yield return <future>;`. The future is Coroutine.Sleep for Thread.Sleep,
// Coroutine.FromTask(task) for a Wait/Result/GetResult, FromTask(Task.WhenAll(...)) for WaitAll, and
// FromTask(token => xAsync(args, token)) for I/O with a cancellable counterpart. The analyzer decided
// which, and that it compiles there (FixProperties).
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Replaces a blocking call in a coroutine with an await or a yield of a Coop future (COOP001).</summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(BlockingCallCodeFix))]
[Shared]
public sealed class BlockingCallCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [CoopDiagnostics.BlockingCallId];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    // One equivalence key for every rewrite of this diagnostic, so "fix all" applies them all at once.
    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.Fix, out var fix) || fix == null)
            {
                continue;
            }

            var title = fix == nameof(BlockingFix.Sleep) ? "Use Coroutine.Sleep" : "Wait through Coroutine.FromTask";
            context.RegisterCodeFix(
                CodeAction.Create(title, c => FixAsync(context.Document, diagnostic, c), equivalenceKey: nameof(BlockingCallCodeFix)),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var coop = await CoopSyntax.ForAsync(document, cancellationToken).ConfigureAwait(false);
        if (root == null || coop == null ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax blocking)
        {
            return document;
        }

        var properties = diagnostic.Properties;
        var asTask = properties.ContainsKey(FixProperties.AsTask);
        ExpressionSyntax? future = properties[FixProperties.Fix] switch
        {
            nameof(BlockingFix.Sleep) when blocking is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep =>
                coop.Sleep(sleep.ArgumentList.Arguments[0].Expression, properties.GetValueOrDefault(FixProperties.SleepUnit)),
            nameof(BlockingFix.AwaitTask) when diagnostic.AdditionalLocations.Count == 1 &&
                root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is ExpressionSyntax task =>
                coop.FromTask(task, asTask),
            nameof(BlockingFix.WhenAll) when blocking is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax waitAll } call =>
                coop.FromTask(call.WithExpression(waitAll.WithName(Microsoft.CodeAnalysis.CSharp.SyntaxFactory.IdentifierName("WhenAll"))), asTask: false),
            nameof(BlockingFix.AsyncCounterpart) when blocking is InvocationExpressionSyntax call =>
                coop.FromTaskWithToken(
                    call,
                    properties[FixProperties.AsyncName]!,
                    properties[FixProperties.TokenName]!,
                    properties.GetValueOrDefault(FixProperties.TokenParameter),
                    asTask),
            _ => null,
        };
        if (future == null)
        {
            return document;
        }

        if (properties.GetValueOrDefault(FixProperties.Kind) == nameof(CoroutineKind.Generator))
        {
            var statement = blocking.FirstAncestorOrSelf<ExpressionStatementSyntax>()!;
            return document.WithSyntaxRoot(root.ReplaceNode(statement, CoopSyntax.YieldReturn(future, statement)));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(blocking, CoopSyntax.Await(future).WithTriviaFrom(blocking)));
    }
}
