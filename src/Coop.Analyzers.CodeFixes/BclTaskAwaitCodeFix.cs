// The fix for COOP004: await the Task through Coroutine.FromTask, so a cancellation ends the wait. Where
// the call has an overload that takes a CancellationToken, the fix passes FromTask's token to it
// (`Coroutine.FromTask(token => http.GetStringAsync(url, token))`), so the operation stops too; a
// `Task.Delay(ms)` becomes `Coroutine.Sleep(seconds)`, which needs no thread-pool timer.
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Awaits a .NET Task through Coroutine.FromTask (COOP004).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BclTaskAwaitCodeFix))]
[Shared]
public sealed class BclTaskAwaitCodeFix : CoopCodeFix
{
    /// <summary>Fixes COOP004.</summary>
    public BclTaskAwaitCodeFix()
        : base(CoopDiagnostics.BclTaskAwaitId)
    {
    }

    /// <inheritdoc />
    protected override string? Title(string fix) => fix switch
    {
        BclTaskAwaitAnalyzer.SleepFix => "Use Coroutine.Sleep",
        BclTaskAwaitAnalyzer.FromTaskWithTokenFix => "Await through Coroutine.FromTask, passing its token",
        BclTaskAwaitAnalyzer.FromTaskFix => "Await through Coroutine.FromTask",
        _ => null,
    };

    /// <inheritdoc />
    protected override SyntaxNode? Rewrite(SyntaxNode root, SyntaxNode flagged, string fix, Diagnostic diagnostic, CoopSyntax coop)
    {
        if (flagged is not AwaitExpressionSyntax awaitExpression || AdditionalExpression(root, diagnostic) is not { } task)
        {
            return null;
        }

        var properties = diagnostic.Properties;
        var asTask = properties.ContainsKey(FixProperties.AsTask);
        ExpressionSyntax? future = fix switch
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
        return future == null ? null : root.ReplaceNode(awaitExpression.Expression, future.WithTriviaFrom(awaitExpression.Expression));
    }
}
