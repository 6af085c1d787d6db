// Finding the cancellable form of a call: the method that takes the same parameters plus a
// CancellationToken and returns a Task or ValueTask (File.ReadAllText(path) →
// File.ReadAllTextAsync(path, token); Task.Delay(ms) → Task.Delay(ms, token)). The code fixes turn the
// call into `Coroutine.FromTask(token => counterpart(args, token))`, so that canceling the waiting
// coroutine also cancels the operation.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Finds a method's cancellable asynchronous counterpart and checks a call can be moved into a lambda.</summary>
public static class AsyncCounterpart
{
    /// <summary>The method named <paramref name="name"/>, on the called method's type or a base of the
    /// receiver's, whose parameters are the called method's followed by a CancellationToken and which
    /// returns a Task or ValueTask and is accessible from <paramref name="within"/>; or the called
    /// method itself, when it is named <paramref name="name"/> and the call left out its trailing token.
    /// Null if there is none.</summary>
    public static IMethodSymbol? Find(IInvocationOperation call, string name, CoopSymbols coop, ISymbol within)
    {
        var method = call.TargetMethod;
        if (coop.CancellationToken == null || method.IsGenericMethod)
        {
            return null;
        }

        // The method itself takes a token the call left out (File.ReadAllTextAsync(path)).
        if (method.Name == name && call.Arguments.Length > 0 &&
            call.Arguments[call.Arguments.Length - 1] is { ArgumentKind: ArgumentKind.DefaultValue, Parameter: { } last } &&
            SymbolEqualityComparer.Default.Equals(last.Type, coop.CancellationToken))
        {
            return method;
        }

        var compilation = call.SemanticModel!.Compilation;
        for (var type = call.Instance?.Type ?? method.ContainingType; type != null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IMethodSymbol candidate && Fits(method, candidate, coop) &&
                    compilation.IsSymbolAccessibleWithin(candidate, within as INamedTypeSymbol ?? within.ContainingType ?? (ISymbol)compilation.Assembly))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Records in <paramref name="properties"/> what the fix needs to call <paramref name="counterpart"/>
    /// in place of <paramref name="call"/> inside <c>Coroutine.FromTask(token =&gt; ...)</c>.</summary>
    public static void AddFixProperties(IInvocationOperation call, IMethodSymbol counterpart, CoopSymbols coop, ImmutableDictionary<string, string?>.Builder properties)
    {
        properties[FixProperties.AsyncName] = counterpart.Name;
        properties[FixProperties.TokenName] = FreeTokenName(call.SemanticModel!, call.Syntax.SpanStart);
        if (NeedsNamedToken(call))
        {
            properties[FixProperties.TokenParameter] = counterpart.Parameters[counterpart.Parameters.Length - 1].Name;
        }

        if (coop.IsValueTask(counterpart.ReturnType))
        {
            properties[FixProperties.AsTask] = "true";
        }
    }

    /// <summary>True when <paramref name="invocation"/>'s arguments can move into a lambda as they are:
    /// none is ref, out or a ref struct (a lambda cannot capture those) and none awaits.</summary>
    public static bool CanMoveIntoLambda(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { RefKind: not RefKind.None } || argument.Value.Type is { IsRefLikeType: true })
            {
                return false;
            }

            foreach (var inner in argument.Value.DescendantsAndSelf())
            {
                if (inner is IAwaitOperation)
                {
                    return false;
                }
            }
        }

        return invocation.Instance is not { Type.IsRefLikeType: true };
    }

    /// <summary>True when the call leaves out optional parameters or names its arguments, so the token
    /// must be passed by name.</summary>
    private static bool NeedsNamedToken(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.Explicit)
            {
                return true;
            }

            if (argument.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax { NameColon: not null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A name for the lambda's token parameter that hides nothing in scope at <paramref name="position"/>.</summary>
    private static string FreeTokenName(SemanticModel model, int position)
    {
        foreach (var candidate in new[] { "token", "cancellationToken", "ct" })
        {
            if (model.LookupSymbols(position, name: candidate).IsEmpty)
            {
                return candidate;
            }
        }

        for (var i = 1; ; i++)
        {
            var candidate = "token" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (model.LookupSymbols(position, name: candidate).IsEmpty)
            {
                return candidate;
            }
        }
    }

    private static bool Fits(IMethodSymbol method, IMethodSymbol candidate, CoopSymbols coop)
    {
        if (candidate.IsStatic != method.IsStatic || candidate.IsGenericMethod ||
            candidate.Parameters.Length != method.Parameters.Length + 1 ||
            !SymbolEqualityComparer.Default.Equals(candidate.Parameters[candidate.Parameters.Length - 1].Type, coop.CancellationToken) ||
            !(coop.IsTask(candidate.ReturnType) || coop.IsValueTask(candidate.ReturnType)))
        {
            return false;
        }

        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var mine = method.Parameters[i];
            var theirs = candidate.Parameters[i];
            if (mine.RefKind != theirs.RefKind || mine.IsParams != theirs.IsParams ||
                !SymbolEqualityComparer.Default.Equals(mine.Type, theirs.Type))
            {
                return false;
            }
        }

        return true;
    }
}
