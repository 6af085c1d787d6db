// COOP004 (info): `await task` of a plain .NET Task inside an async coroutine. It works, and resumes on
// the loop thread, but it cannot be interrupted: the task parks "foreign" until the Task ends, so a
// Cancel(), a cancel scope or a WaitFor timeout reaches the coroutine only afterwards (docs/design.md,
// "A BCL Task awaited directly cannot be interrupted"). Through Coroutine.FromTask the task parks on a
// Coop future and leaves at once when canceled; the Func<CancellationToken, Task> form also cancels the
// operation. Info, not a warning: a short Task awaited directly is often fine.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Reports plain .NET Tasks awaited inside async coroutines (COOP004).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BclTaskAwaitAnalyzer : CoopAnalyzer
{
    /// <summary>The fix: <c>await Coroutine.FromTask(task)</c>.</summary>
    public const string FromTaskFix = "FromTask";

    /// <summary>The fix: <c>await Coroutine.FromTask(token =&gt; M(args, token))</c>, for a call that has an
    /// overload taking a CancellationToken.</summary>
    public const string FromTaskWithTokenFix = "FromTaskWithToken";

    /// <summary>The fix: <c>await Task.Delay(ms)</c> becomes <c>await Coroutine.Sleep(seconds)</c>, which
    /// needs no thread pool timer and follows the loop's clock (a virtual clock too).</summary>
    public const string SleepFix = "Sleep";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [CoopDiagnostics.BclTaskAwait];

    /// <inheritdoc />
    protected override void Register(CompilationStartAnalysisContext context, CoopSymbols coop)
    {
        context.RegisterOperationAction(c => Analyze(c, coop), OperationKind.Await);
    }

    private static void Analyze(OperationAnalysisContext context, CoopSymbols coop)
    {
        var awaitOperation = (IAwaitOperation)context.Operation;
        var awaited = awaitOperation.Operation;
        var configured = coop.IsConfiguredAwaitable(awaited.Type);
        if (!(configured || coop.IsTask(awaited.Type) || coop.IsValueTask(awaited.Type)))
        {
            return;
        }

        var function = EnclosingFunction.Of(awaitOperation, context.ContainingSymbol);
        if (coop.KindOf(function) != CoroutineKind.Async)
        {
            return;
        }

        // The task itself: ConfigureAwait means nothing once the wait goes through a Coop future.
        var task = configured && awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } inner } ? inner : awaited;
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        string advice;
        if (IsDelay(task, coop))
        {
            properties[FixProperties.Fix] = SleepFix;
            properties[FixProperties.SleepUnit] = ((IInvocationOperation)task).TargetMethod.Parameters[0].Type.SpecialType == SpecialType.System_Int32 ? "Milliseconds" : "TimeSpan";
            advice = "await Coroutine.Sleep(seconds) instead, which follows the loop's clock";
        }
        else if (task is IInvocationOperation call &&
                 AsyncCounterpart.Find(call, call.TargetMethod.Name, coop, context.ContainingSymbol) is { } counterpart &&
                 AsyncCounterpart.CanMoveIntoLambda(call))
        {
            properties[FixProperties.Fix] = FromTaskWithTokenFix;
            AsyncCounterpart.AddFixProperties(call, counterpart, coop, properties);
            advice = "await Coroutine.FromTask(token => ...) instead, passing it the token, so canceling the coroutine cancels the operation too";
        }
        else
        {
            properties[FixProperties.Fix] = FromTaskFix;
            if (coop.IsValueTask(task.Type))
            {
                properties[FixProperties.AsTask] = "true";
            }

            advice = "await Coroutine.FromTask(task) instead, so a cancellation ends the wait at once";
        }

        if (!FixSite.CanAwait(awaitOperation.Syntax) || (task.IsImplicit && properties[FixProperties.Fix] == FromTaskFix))
        {
            properties.Remove(FixProperties.Fix);
        }

        context.ReportDiagnostic(Diagnostic.Create(
            CoopDiagnostics.BclTaskAwait,
            awaitOperation.Syntax.GetLocation(),
            [task.Syntax.GetLocation()],
            properties.ToImmutable(),
            awaited.Type!.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            EnclosingFunction.Describe(function!),
            advice));
    }

    /// <summary>True for <c>Task.Delay(ms)</c> or <c>Task.Delay(timeSpan)</c> without a token or a clock.</summary>
    private static bool IsDelay(IOperation task, CoopSymbols coop) =>
        task is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true, Parameters.Length: 1 } method } &&
        SymbolEqualityComparer.Default.Equals(method.ContainingType, coop.Task);
}
