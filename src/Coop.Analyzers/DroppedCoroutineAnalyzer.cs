// COOP002: a coroutine created and dropped. Coop's coroutines start cold: calling an `async Coroutine`
// method or a generator only creates the coroutine, and it runs when it is awaited, yielded or started
// as a task. A call whose value is thrown away (an expression statement, or `_ = ...`) therefore does
// nothing at all, silently. The C# compiler's CS4014 catches part of this in async methods, and says
// the wrong thing for Coop ("execution continues before the call completes"): here the call never runs.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Reports coroutines and generators created and dropped (COOP002).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DroppedCoroutineAnalyzer : CoopAnalyzer
{
    /// <summary>The fix: <c>await x</c> (an async coroutine in an async coroutine).</summary>
    public const string AwaitFix = "Await";

    /// <summary>The fix: <c>yield return x</c> (a generator in a generator).</summary>
    public const string YieldFix = "Yield";

    /// <summary>The fix: <c>await EventLoop.Current.CreateTask(x)</c> (a generator in an async coroutine).</summary>
    public const string AwaitTaskFix = "AwaitTask";

    /// <summary>The fix: <c>yield return EventLoop.Current.CreateTask(x)</c> (an async coroutine in a generator).</summary>
    public const string YieldTaskFix = "YieldTask";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [CoopDiagnostics.DroppedCoroutine];

    /// <inheritdoc />
    protected override void Register(CompilationStartAnalysisContext context, CoopSymbols coop)
    {
        context.RegisterOperationAction(c => AnalyzeStatement(c, coop), OperationKind.ExpressionStatement);
        context.RegisterOperationAction(c => AnalyzeDiscard(c, coop), OperationKind.SimpleAssignment);
    }

    private static void AnalyzeStatement(OperationAnalysisContext context, CoopSymbols coop)
    {
        var statement = (IExpressionStatementOperation)context.Operation;
        var value = statement.Operation is IConditionalAccessOperation conditional ? conditional.WhenNotNull : statement.Operation;
        if (value is IInvocationOperation invocation)
        {
            Analyze(context, coop, invocation, statement);
        }
    }

    private static void AnalyzeDiscard(OperationAnalysisContext context, CoopSymbols coop)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IDiscardOperation && Unconverted(assignment.Value) is IInvocationOperation invocation)
        {
            Analyze(context, coop, invocation, assignment.Parent as IExpressionStatementOperation);
        }
    }

    private static IOperation Unconverted(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true } conversion ? Unconverted(conversion.Operand) : operation;

    /// <summary>Reports <paramref name="invocation"/> if it makes a coroutine; <paramref name="statement"/>
    /// is the statement the whole call forms, which a fix may rewrite (null when there is none).</summary>
    private static void Analyze(OperationAnalysisContext context, CoopSymbols coop, IInvocationOperation invocation, IExpressionStatementOperation? statement)
    {
        // A generator is a call declared to return IEnumerable<object?>, not one that happens to (a
        // generic Assert.IsAssignableFrom<IEnumerable<object?>>(x) returns its argument).
        var isCoroutine = coop.IsCoroutine(invocation.Type);
        if (!isCoroutine && !coop.IsGenerator(invocation.TargetMethod.OriginalDefinition.ReturnType))
        {
            return;
        }

        var function = EnclosingFunction.Of(context.Operation, context.ContainingSymbol);
        var kind = coop.KindOf(function);
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        string advice;
        switch (kind)
        {
            case CoroutineKind.Async:
                advice = isCoroutine
                    ? "await it, or start it as a task with loop.CreateTask"
                    : "await loop.CreateTask(generator) to run it as a task and wait for it";
                if (statement != null && FixSite.CanAwait(statement.Syntax))
                {
                    properties[FixProperties.Fix] = isCoroutine ? AwaitFix : AwaitTaskFix;
                }

                break;
            case CoroutineKind.Generator:
                advice = isCoroutine
                    ? "yield return loop.CreateTask(coroutine) to run it as a task and wait for it"
                    : "yield return it (yield from), or start it as a task with loop.CreateTask";
                if (statement != null && FixSite.CanYield(statement.Syntax))
                {
                    properties[FixProperties.Fix] = isCoroutine ? YieldTaskFix : YieldFix;
                }

                break;
            default:
                advice = "await it from a coroutine, yield it from a generator, or run it with loop.CreateTask or EventLoop.Run";
                break;
        }

        properties[FixProperties.Kind] = kind.ToString();
        context.ReportDiagnostic(Diagnostic.Create(
            CoopDiagnostics.DroppedCoroutine,
            invocation.Syntax.GetLocation(),
            properties.ToImmutable(),
            isCoroutine ? "coroutine" : "generator",
            invocation.TargetMethod.Name,
            advice));
    }
}
