// COOP003: a generator coroutine yields a value its task cannot follow. A Coop task understands null
// (hand control back), a ReturnValue (Coroutine.Return), a Future (a task, Coroutine.Sleep, a lock's
// Acquire...: wait for it), a Call (Coroutine.Call<T>) or another IEnumerable<object?> (yield from);
// anything else fails the task at run time (Tasks/CoopTask.Generator.cs, Follow). Reported only when
// the static type rules all of those out: `object`, an interface or a type parameter may hold any of
// them, so they pass. The usual mistakes each get their own advice and fix: a .NET Task (wrap it in
// Coroutine.FromTask), an async coroutine (start it as a task), Coroutine.Yield() (the async form of
// `yield return null`), and a plain value meant as the generator's result (Coroutine.Return).
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Reports generator coroutines that yield values their task cannot follow (COOP003).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorYieldAnalyzer : CoopAnalyzer
{
    /// <summary>The fix: yield <c>Coroutine.FromTask(task)</c>.</summary>
    public const string FromTaskFix = "FromTask";

    /// <summary>The fix: yield <c>EventLoop.Current.CreateTask(coroutine)</c>.</summary>
    public const string CreateTaskFix = "CreateTask";

    /// <summary>The fix: yield <c>null</c>.</summary>
    public const string NullFix = "Null";

    /// <summary>The fix: yield <c>Coroutine.Return(value)</c>.</summary>
    public const string ReturnFix = "Return";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [CoopDiagnostics.UnknownYield];

    /// <inheritdoc />
    protected override void Register(CompilationStartAnalysisContext context, CoopSymbols coop)
    {
        context.RegisterOperationAction(c => Analyze(c, coop), OperationKind.YieldReturn);
    }

    private static void Analyze(OperationAnalysisContext context, CoopSymbols coop)
    {
        var yield = (IReturnOperation)context.Operation;
        if (yield.ReturnedValue is not { } returned)
        {
            return;
        }

        var value = returned is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : returned;
        if (value.Type is not { } type || value.ConstantValue is { HasValue: true, Value: null } || MayBeUnderstood(type, coop, context.Compilation))
        {
            return;
        }

        var function = EnclosingFunction.Of(yield, context.ContainingSymbol);
        if (coop.KindOf(function) != CoroutineKind.Generator)
        {
            return;
        }

        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        string advice;
        if (coop.IsTask(type) || coop.IsValueTask(type))
        {
            advice = "to wait for a .NET Task, yield Coroutine.FromTask(task)";
            properties[FixProperties.Fix] = FromTaskFix;
            if (coop.IsValueTask(type))
            {
                properties[FixProperties.AsTask] = "true";
            }
        }
        else if (coop.IsCoroutine(type))
        {
            advice = "a generator cannot run an async coroutine, so start it as a task and yield the task: loop.CreateTask(coroutine)";
            properties[FixProperties.Fix] = CreateTaskFix;
        }
        else if (SymbolEqualityComparer.Default.Equals(type, coop.YieldAwaitable))
        {
            advice = "a generator hands control back with yield return null";
            properties[FixProperties.Fix] = NullFix;
        }
        else
        {
            advice = "to end the generator with this value, yield Coroutine.Return(value); to hand control back, yield null";
            if (EndsTheGenerator((YieldStatementSyntax)yield.Syntax))
            {
                properties[FixProperties.Fix] = ReturnFix;
            }
        }

        context.ReportDiagnostic(Diagnostic.Create(
            CoopDiagnostics.UnknownYield,
            value.Syntax.GetLocation(),
            properties.ToImmutable(),
            EnclosingFunction.Describe(function!),
            type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            advice));
    }

    /// <summary>False only when no value of static type <paramref name="type"/> can be one the task follows.</summary>
    private static bool MayBeUnderstood(ITypeSymbol type, CoopSymbols coop, Compilation compilation)
    {
        if (type.SpecialType == SpecialType.System_Object ||
            type.TypeKind is TypeKind.Dynamic or TypeKind.TypeParameter or TypeKind.Interface or TypeKind.Error)
        {
            return true;
        }

        foreach (var understood in new ITypeSymbol?[] { coop.Future, coop.ReturnValue, coop.Call, coop.Generator })
        {
            if (understood == null)
            {
                continue;
            }

            // An implicit conversion: the value is one (a CoopTask is a Future, a string[] a generator).
            // A base class of an understood type: the value may be one at run time.
            var conversion = ((CSharpCompilation)compilation).ClassifyConversion(type, understood);
            if ((conversion.IsImplicit && (conversion.IsIdentity || conversion.IsReference || conversion.IsBoxing)) ||
                CoopSymbols.DerivesFrom(understood, type as INamedTypeSymbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when nothing runs after <paramref name="yield"/>: the next statement is
    /// <c>yield break</c>, or it is the last statement of the generator's body. Only then is
    /// <c>Coroutine.Return(value)</c> surely what was meant.</summary>
    private static bool EndsTheGenerator(YieldStatementSyntax yield)
    {
        if (yield.Parent is not BlockSyntax block)
        {
            return false;
        }

        var index = block.Statements.IndexOf(yield);
        if (index + 1 < block.Statements.Count)
        {
            return block.Statements[index + 1] is YieldStatementSyntax next && next.ReturnOrBreakKeyword.Text == "break";
        }

        return block.Parent is MethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax;
    }
}
