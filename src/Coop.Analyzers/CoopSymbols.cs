// Coop's types as one compilation sees them, and the one rule for what a coroutine is. Every Coop name
// the analyzers and code fixes match or write is here, by its metadata name, so a rename of the public
// API is a change to this file alone.
//
// What counts as a coroutine (docs/diagnostics.md, "What the analyzer calls a coroutine"):
//   - an async coroutine: an `async` method, local function or lambda whose return type is Coroutine or
//     derives from it (Coroutine<T>): only Coop's method builder makes those;
//   - a generator coroutine: an iterator (a method, local function or accessor with `yield`) whose
//     return type is IEnumerable<object?>, the type every Coop API that runs generators takes
//     (CreateTask, Scheduler.Add, Coroutine.Call, TaskGroup.Start). C# lambdas cannot be iterators.
// The analyzers run only in a compilation that references Coop, so an IEnumerable<object> iterator in
// a project without Coop is never taken for a coroutine. Inside a coroutine, a nested lambda or local
// function that is not itself a coroutine is not "inside" it: it may run anywhere (Coroutine.ToThread's
// work runs on the thread pool), so blocking there is not reported.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers;

/// <summary>Coop's types in one compilation; <see cref="TryCreate"/> returns null when the compilation
/// does not reference Coop.</summary>
public sealed class CoopSymbols
{
    /// <summary>The async coroutine type.</summary>
    public const string CoroutineName = "Coop.Coroutine";

    /// <summary>The future type (a <c>CoopTask</c> is one).</summary>
    public const string FutureName = "Coop.Future";

    /// <summary>What <c>Coroutine.Return(x)</c> yields.</summary>
    public const string ReturnValueName = "Coop.ReturnValue";

    /// <summary>What <c>Coroutine.Call&lt;T&gt;(g)</c> makes.</summary>
    public const string CallName = "Coop.Call";

    /// <summary>What <c>Coroutine.Yield()</c> returns: the async form of <c>yield return null</c>.</summary>
    public const string YieldAwaitableName = "Coop.CompilerServices.YieldAwaitable";

    /// <summary>The event loop.</summary>
    public const string EventLoopName = "Coop.EventLoop";

    /// <summary><c>Coroutine.Sleep(seconds)</c>.</summary>
    public const string SleepMethod = "Sleep";

    /// <summary><c>Coroutine.FromTask(task)</c> and <c>Coroutine.FromTask(token =&gt; ...)</c>.</summary>
    public const string FromTaskMethod = "FromTask";

    /// <summary><c>Coroutine.Return(value)</c>.</summary>
    public const string ReturnMethod = "Return";

    /// <summary><c>EventLoop.Current</c>.</summary>
    public const string CurrentLoopProperty = "Current";

    /// <summary><c>loop.CreateTask(coroutine)</c>.</summary>
    public const string CreateTaskMethod = "CreateTask";

    private CoopSymbols(Compilation compilation, INamedTypeSymbol coroutine)
    {
        Coroutine = coroutine;
        Future = compilation.GetTypeByMetadataName(FutureName);
        ReturnValue = compilation.GetTypeByMetadataName(ReturnValueName);
        Call = compilation.GetTypeByMetadataName(CallName);
        YieldAwaitable = compilation.GetTypeByMetadataName(YieldAwaitableName);
        var enumerable = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        Generator = enumerable.Construct(compilation.GetSpecialType(SpecialType.System_Object));
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        ConfiguredTaskAwaitable = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable");
        ConfiguredTaskAwaitableOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1");
        ConfiguredValueTaskAwaitable = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable");
        ConfiguredValueTaskAwaitableOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
    }

    /// <summary><c>Coop.Coroutine</c>.</summary>
    public INamedTypeSymbol Coroutine { get; }

    /// <summary><c>Coop.Future</c>.</summary>
    public INamedTypeSymbol? Future { get; }

    /// <summary><c>Coop.ReturnValue</c>.</summary>
    public INamedTypeSymbol? ReturnValue { get; }

    /// <summary><c>Coop.Call</c>.</summary>
    public INamedTypeSymbol? Call { get; }

    /// <summary><c>Coop.CompilerServices.YieldAwaitable</c>.</summary>
    public INamedTypeSymbol? YieldAwaitable { get; }

    /// <summary><c>IEnumerable&lt;object?&gt;</c>, the generator coroutine's type.</summary>
    public INamedTypeSymbol Generator { get; }

    /// <summary><c>System.Threading.Tasks.Task</c>.</summary>
    public INamedTypeSymbol? Task { get; }

    /// <summary><c>System.Threading.Tasks.Task&lt;T&gt;</c>.</summary>
    public INamedTypeSymbol? TaskOfT { get; }

    /// <summary><c>System.Threading.Tasks.ValueTask</c>.</summary>
    public INamedTypeSymbol? ValueTask { get; }

    /// <summary><c>System.Threading.Tasks.ValueTask&lt;T&gt;</c>.</summary>
    public INamedTypeSymbol? ValueTaskOfT { get; }

    /// <summary>What <c>task.ConfigureAwait(b)</c> returns.</summary>
    public INamedTypeSymbol? ConfiguredTaskAwaitable { get; }

    /// <summary>What <c>task.ConfigureAwait(b)</c> returns for a <c>Task&lt;T&gt;</c>.</summary>
    public INamedTypeSymbol? ConfiguredTaskAwaitableOfT { get; }

    /// <summary>What <c>valueTask.ConfigureAwait(b)</c> returns.</summary>
    public INamedTypeSymbol? ConfiguredValueTaskAwaitable { get; }

    /// <summary>What <c>valueTask.ConfigureAwait(b)</c> returns for a <c>ValueTask&lt;T&gt;</c>.</summary>
    public INamedTypeSymbol? ConfiguredValueTaskAwaitableOfT { get; }

    /// <summary><c>System.Threading.CancellationToken</c>.</summary>
    public INamedTypeSymbol? CancellationToken { get; }

    /// <summary>Coop's types in <paramref name="compilation"/>, or null if it does not reference Coop.</summary>
    public static CoopSymbols? TryCreate(Compilation compilation) =>
        compilation.GetTypeByMetadataName(CoroutineName) is { } coroutine ? new CoopSymbols(compilation, coroutine) : null;

    /// <summary>What kind of coroutine <paramref name="function"/> is, if any.</summary>
    public CoroutineKind KindOf(IMethodSymbol? function)
    {
        if (function == null)
        {
            return CoroutineKind.None;
        }

        if (function.IsAsync && IsCoroutine(function.ReturnType))
        {
            return CoroutineKind.Async;
        }

        return IsGenerator(function.ReturnType) && IsIterator(function) ? CoroutineKind.Generator : CoroutineKind.None;
    }

    /// <summary>True when <paramref name="function"/>'s own body (not a nested function's) has a yield
    /// statement. Roslyn 4.14, which the analyzers build against, has no IMethodSymbol.IsIterator.</summary>
    public static bool IsIterator(IMethodSymbol function)
    {
        foreach (var reference in function.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax();
            foreach (var node in declaration.DescendantNodes(n => n == declaration || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is YieldStatementSyntax)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True for <c>Coroutine</c>, <c>Coroutine&lt;T&gt;</c> and any type derived from them.</summary>
    public bool IsCoroutine(ITypeSymbol? type)
    {
        for (var t = type as INamedTypeSymbol; t != null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, Coroutine))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for <c>IEnumerable&lt;object?&gt;</c> itself (either nullability).</summary>
    public bool IsGenerator(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, Generator);

    /// <summary>True for <c>Task</c>, <c>Task&lt;T&gt;</c> and types derived from them.</summary>
    public bool IsTask(ITypeSymbol? type) => DerivesFrom(type, Task);

    /// <summary>True for <c>ValueTask</c> and <c>ValueTask&lt;T&gt;</c>.</summary>
    public bool IsValueTask(ITypeSymbol? type) =>
        type is INamedTypeSymbol named &&
        (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ValueTask) ||
         SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ValueTaskOfT));

    /// <summary>True for what <c>ConfigureAwait</c> returns on a Task or a ValueTask.</summary>
    public bool IsConfiguredAwaitable(ITypeSymbol? type) =>
        type is INamedTypeSymbol named &&
        (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ConfiguredTaskAwaitable) ||
         SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ConfiguredTaskAwaitableOfT) ||
         SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ConfiguredValueTaskAwaitable) ||
         SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ConfiguredValueTaskAwaitableOfT));

    /// <summary>True when <paramref name="type"/> is <paramref name="baseType"/> or derives from it
    /// (generic types compare by their definition).</summary>
    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType == null)
        {
            return false;
        }

        for (var t = type as INamedTypeSymbol; t != null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
