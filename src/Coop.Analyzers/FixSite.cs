// Where a code fix may put an `await` or a `yield return`. C# forbids await inside a lock statement or
// a query clause, and yield return inside a catch or finally block or a try block that has catch
// clauses; a fix offered there would not compile, so none is offered.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Coop.Analyzers;

/// <summary>Whether an await or a yield return may be written at a place.</summary>
public static class FixSite
{
    /// <summary>True when <c>await</c> may replace <paramref name="node"/> (inside its own function).</summary>
    public static bool CanAwait(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return true;
                case LockStatementSyntax or QueryExpressionSyntax:
                    return false;
            }
        }

        return true;
    }

    /// <summary>True when the statement <paramref name="statement"/> may become a <c>yield return</c>.</summary>
    public static bool CanYield(SyntaxNode statement)
    {
        SyntaxNode child = statement;
        foreach (var ancestor in statement.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return true;
                case CatchClauseSyntax or FinallyClauseSyntax:
                    return false;
                case TryStatementSyntax tryStatement when child == tryStatement.Block && tryStatement.Catches.Count > 0:
                    return false;
            }

            child = ancestor;
        }

        return true;
    }
}
