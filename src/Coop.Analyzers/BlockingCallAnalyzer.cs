// COOP001: a call that blocks the thread, inside a coroutine. The loop has one thread; a coroutine that
// blocks it stalls every task (the talk's lesson: coroutines are contagious to their callees). The
// blocking members are listed in BlockingApi.cs. The analyzer decides here which rewrite its code fix
// may make and where, so the fix only edits syntax.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Reports blocking calls inside coroutines (COOP001).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallAnalyzer : CoopAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [CoopDiagnostics.BlockingCall];

    /// <inheritdoc />
    protected override void Register(CompilationStartAnalysisContext context, CoopSymbols coop)
    {
        var table = new BlockingTable(context.Compilation);
        context.RegisterOperationAction(c => AnalyzeInvocation(c, coop, table), OperationKind.Invocation);
        context.RegisterOperationAction(c => AnalyzeProperty(c, coop, table), OperationKind.PropertyReference);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, CoopSymbols coop, BlockingTable table)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (table.Find(method, invocation.Instance?.Type) is not { } api ||
            Coroutine(context, coop) is not { } function)
        {
            return;
        }

        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        IOperation? task = null;
        var fix = BlockingFix.None;
        switch (api.Fix)
        {
            // Not for a negative duration (Timeout.Infinite): Coroutine.Sleep takes it as zero.
            case BlockingFix.Sleep when invocation.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: < 0 }:
                fix = BlockingFix.Sleep;
                properties[FixProperties.SleepUnit] = method.Parameters[0].Type.SpecialType == SpecialType.System_Int32 ? "Milliseconds" : "TimeSpan";
                break;
            case BlockingFix.AwaitTask:
                task = TaskAwaitedBy(invocation);
                if (CompletionCheck.Precedes(task, invocation))
                {
                    return; // the code checked that the task ended: reading its result does not block
                }

                fix = task == null ? BlockingFix.None : BlockingFix.AwaitTask;
                break;
            case BlockingFix.WhenAll when method.Parameters.Length == 1:
                fix = BlockingFix.WhenAll;
                break;
            case BlockingFix.AsyncCounterpart:
                fix = CounterpartFix(invocation, coop, context.ContainingSymbol, properties);
                break;
        }

        Report(context, coop, function, method.ContainingType.Name + "." + method.Name, api, fix, task, properties);
    }

    private static void AnalyzeProperty(OperationAnalysisContext context, CoopSymbols coop, BlockingTable table)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        var property = reference.Property;
        if (table.Find(property, reference.Instance?.Type) is not { } api ||
            Coroutine(context, coop) is not { } function)
        {
            return;
        }

        var task = reference.Instance is { IsImplicit: false } instance ? instance : null;
        if (CompletionCheck.Precedes(task, reference))
        {
            return; // the code checked that the task ended: reading its result does not block
        }

        var fix = task == null ? BlockingFix.None : BlockingFix.AwaitTask;
        Report(context, coop, function, property.ContainingType.Name + "." + property.Name, api, fix, task,
            ImmutableDictionary.CreateBuilder<string, string?>());
    }

    private static IMethodSymbol? Coroutine(OperationAnalysisContext context, CoopSymbols coop)
    {
        var function = EnclosingFunction.Of(context.Operation, context.ContainingSymbol);
        return coop.KindOf(function) == CoroutineKind.None ? null : function;
    }

    /// <summary>The task that <c>task.Wait()</c> or <c>task[.ConfigureAwait(b)].GetAwaiter().GetResult()</c>
    /// waits for; null for a form the fix cannot rewrite (a Wait with a timeout, an awaiter kept in a variable).</summary>
    private static IOperation? TaskAwaitedBy(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.Name == "Wait")
        {
            return invocation.Arguments.Length == 0 ? invocation.Instance : null;
        }

        if (invocation.Instance is not IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaited })
        {
            return null;
        }

        return awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? configured : awaited;
    }

    private static BlockingFix CounterpartFix(IInvocationOperation invocation, CoopSymbols coop, ISymbol within, ImmutableDictionary<string, string?>.Builder properties)
    {
        var method = invocation.TargetMethod;
        if (AsyncCounterpart.Find(invocation, method.Name + "Async", coop, within) is not { } counterpart ||
            !AsyncCounterpart.CanMoveIntoLambda(invocation))
        {
            return BlockingFix.None;
        }

        AsyncCounterpart.AddFixProperties(invocation, counterpart, coop, properties);
        return BlockingFix.AsyncCounterpart;
    }

    private static void Report(
        OperationAnalysisContext context,
        CoopSymbols coop,
        IMethodSymbol function,
        string member,
        BlockingApi api,
        BlockingFix fix,
        IOperation? task,
        ImmutableDictionary<string, string?>.Builder properties)
    {
        // A rewrite is offered only where it compiles: an await wherever C# allows one; a yield return
        // only in place of a call whose value is unused (a generator receives no value at a yield).
        var operation = context.Operation;
        var kind = coop.KindOf(function);
        var allowed = kind == CoroutineKind.Async
            ? FixSite.CanAwait(operation.Syntax)
            : operation.Parent is IExpressionStatementOperation statement && FixSite.CanYield(statement.Syntax);
        var additional = ImmutableArray<Location>.Empty;
        if (fix != BlockingFix.None && allowed)
        {
            properties[FixProperties.Fix] = fix.ToString();
            properties[FixProperties.Kind] = kind.ToString();
            if (task != null)
            {
                additional = [task.Syntax.GetLocation()];
                if (coop.IsValueTask(task.Type))
                {
                    properties[FixProperties.AsTask] = "true";
                }
            }
        }

        context.ReportDiagnostic(Diagnostic.Create(
            CoopDiagnostics.BlockingCall,
            operation.Syntax.GetLocation(),
            additional,
            properties.ToImmutable(),
            member,
            EnclosingFunction.Describe(function),
            api.Advice));
    }
}
