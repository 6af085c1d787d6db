// The fix for COOP004: await the Task through Coroutine.FromTask, so a cancellation ends the wait. Where
// the call has an overload that takes a CancellationToken, the fix passes FromTask's token to it
// (`Coroutine.FromTask(token => http.GetStringAsync(url, token))`), so the operation stops too; a
// `Task.Delay(ms)` becomes `Coroutine.Sleep(seconds)`, which needs no thread-pool timer.
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Awaits a .NET Task through Coroutine.FromTask (COOP004).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BclTaskAwaitCodeFix))]
[Shared]
public sealed class BclTaskAwaitCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [CoopDiagnostics.BclTaskAwaitId];

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
                BclTaskAwaitAnalyzer.SleepFix => "Use Coroutine.Sleep",
                BclTaskAwaitAnalyzer.FromTaskWithTokenFix => "Await through Coroutine.FromTask, passing its token",
                BclTaskAwaitAnalyzer.FromTaskFix => "Await through Coroutine.FromTask",
                _ => null,
            };
            if (title != null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, c => FixAsync(context.Document, diagnostic, c), equivalenceKey: nameof(BclTaskAwaitCodeFix)),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var coop = await CoopSyntax.ForAsync(document, cancellationToken).ConfigureAwait(false);
        if (root == null || coop == null || diagnostic.AdditionalLocations.Count != 1 ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not AwaitExpressionSyntax awaitOperation ||
            root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax task)
        {
            return document;
        }

        var properties = diagnostic.Properties;
        var asTask = properties.ContainsKey(FixProperties.AsTask);
        ExpressionSyntax? future = properties[FixProperties.Fix] switch
        {
            BclTaskAwaitAnalyzer.SleepFix when task is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } delay =>
                coop.Sleep(delay.ArgumentList.Arguments[0].Expression, properties.GetValueOrDefault(FixProperties.SleepUnit)),
            BclTaskAwaitAnalyzer.FromTaskWithTokenFix when task is InvocationExpressionSyntax call =>
                coop.FromTaskWithToken(
                    call,
                    properties[FixProperties.AsyncName]!,
                    properties[FixProperties.TokenName]!,
                    properties.GetValueOrDefault(FixProperties.TokenParameter),
                    asTask),
            BclTaskAwaitAnalyzer.FromTaskFix => coop.FromTask(task, asTask),
            _ => null,
        };
        return future == null
            ? document
            : document.WithSyntaxRoot(root.ReplaceNode(awaitOperation.Expression, future.WithTriviaFrom(awaitOperation.Expression)));
    }
}
