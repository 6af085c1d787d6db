// What every Coop code fix shares: one fixable diagnostic, a fix offered only when the analyzer put a
// rewrite in the diagnostic's properties (FixProperties.Fix), one equivalence key per provider so "fix
// all" applies every rewrite of that diagnostic at once, and the lookup of the flagged node and of
// Coop's types before the provider's own syntax rewrite.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>The base of Coop's code fixes: a provider names its fixes and rewrites the syntax.</summary>
public abstract class CoopCodeFix : CodeFixProvider
{
    /// <summary>Fixes the diagnostic <paramref name="diagnosticId"/>.</summary>
    protected CoopCodeFix(string diagnosticId) => FixableDiagnosticIds = [diagnosticId];

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(FixProperties.Fix, out var fix) && fix != null && Title(fix) is { } title)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, c => FixAsync(context.Document, diagnostic, c), equivalenceKey: GetType().Name),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The code action's title for the rewrite <paramref name="fix"/>; null for one this provider does not make.</summary>
    protected abstract string? Title(string fix);

    /// <summary>The new root with the rewrite <paramref name="fix"/> made at <paramref name="flagged"/>
    /// (the node the diagnostic is reported on); null to leave the document as it is.</summary>
    protected abstract SyntaxNode? Rewrite(SyntaxNode root, SyntaxNode flagged, string fix, Diagnostic diagnostic, CoopSyntax coop);

    /// <summary>The expression at the diagnostic's one additional location (the task a wait is for), if any.</summary>
    protected static ExpressionSyntax? AdditionalExpression(SyntaxNode root, Diagnostic diagnostic) =>
        diagnostic.AdditionalLocations.Count == 1
            ? root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax
            : null;

    private async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var coop = await CoopSyntax.ForAsync(document, cancellationToken).ConfigureAwait(false);
        if (root == null || coop == null)
        {
            return document;
        }

        var flagged = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var fixedRoot = Rewrite(root, flagged, diagnostic.Properties[FixProperties.Fix]!, diagnostic, coop);
        return fixedRoot == null ? document : document.WithSyntaxRoot(fixedRoot);
    }
}
