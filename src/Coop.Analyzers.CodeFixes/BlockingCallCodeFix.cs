// The fix for COOP001: the blocking call becomes a wait the loop can run others during. In an async
// coroutine the call is replaced by `await <future>`; in a generator, where the call's value is unused,
// its statement becomes `yield return <future>;`. The future is Coroutine.Sleep for Thread.Sleep,
// Coroutine.FromTask(task) for a Wait/Result/GetResult, FromTask(Task.WhenAll(...)) for WaitAll, and
// FromTask(token => xAsync(args, token)) for I/O with a cancellable counterpart. The analyzer decided
// which, and that it compiles there (FixProperties).
using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Replaces a blocking call in a coroutine with an await or a yield of a Coop future (COOP001).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingCallCodeFix))]
[Shared]
public sealed class BlockingCallCodeFix : CoopCodeFix
{
    /// <summary>Fixes COOP001.</summary>
    public BlockingCallCodeFix()
        : base(CoopDiagnostics.BlockingCallId)
    {
    }

    /// <inheritdoc />
    protected override string? Title(string fix) =>
        fix == nameof(BlockingFix.Sleep) ? "Use Coroutine.Sleep" : "Wait through Coroutine.FromTask";

    /// <inheritdoc />
    protected override SyntaxNode? Rewrite(SyntaxNode root, SyntaxNode flagged, string fix, Diagnostic diagnostic, CoopSyntax coop)
    {
        var properties = diagnostic.Properties;
        var asTask = properties.ContainsKey(FixProperties.AsTask);
        ExpressionSyntax? future = fix switch
        {
            nameof(BlockingFix.Sleep) when flagged is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } sleep =>
                coop.Sleep(sleep.ArgumentList.Arguments[0].Expression, properties.GetValueOrDefault(FixProperties.SleepUnit)),
            nameof(BlockingFix.AwaitTask) when AdditionalExpression(root, diagnostic) is { } task =>
                coop.FromTask(task, asTask),
            nameof(BlockingFix.WhenAll) when flagged is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax waitAll } call =>
                coop.FromTask(call.WithExpression(waitAll.WithName(SyntaxFactory.IdentifierName("WhenAll"))), asTask: false),
            nameof(BlockingFix.AsyncCounterpart) when flagged is InvocationExpressionSyntax call =>
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
            return null;
        }

        if (properties.GetValueOrDefault(FixProperties.Kind) == nameof(CoroutineKind.Generator))
        {
            var statement = flagged.FirstAncestorOrSelf<ExpressionStatementSyntax>()!;
            return root.ReplaceNode(statement, CoopSyntax.YieldReturn(future, statement));
        }

        return root.ReplaceNode(flagged, CoopSyntax.Await(future).WithTriviaFrom(flagged));
    }
}
