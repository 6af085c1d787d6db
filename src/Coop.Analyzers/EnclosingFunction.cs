// The function an operation runs in: the nearest lambda or local function around it, else the member
// whose body is being analyzed. Blocking and dropping are judged against that function only (see
// CoopSymbols.cs for why a nested lambda is not "inside" the coroutine around it).
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Finds the function an operation belongs to.</summary>
public static class EnclosingFunction
{
    /// <summary>The lambda, local function or member method that <paramref name="operation"/> runs in;
    /// null outside any method (a field initializer).</summary>
    public static IMethodSymbol? Of(IOperation operation, ISymbol owner)
    {
        for (var current = operation.Parent; current != null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Symbol;
                case ILocalFunctionOperation local:
                    return local.Symbol;
            }
        }

        return owner as IMethodSymbol;
    }

    /// <summary>How a message names <paramref name="function"/>: its name, or "a lambda in M".</summary>
    public static string Describe(IMethodSymbol function) =>
        function.MethodKind == MethodKind.AnonymousFunction
            ? "lambda in " + Name(function.ContainingSymbol)
            : Name(function);

    // Top-level statements live in a compiler-made method ("<Main>$").
    private static string Name(ISymbol? symbol) =>
        symbol == null || symbol.Name.StartsWith("<", StringComparison.Ordinal) ? "top-level code" : symbol.Name;
}
