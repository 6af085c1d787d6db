// A task whose completion the code has already checked does not block when its result is read:
// `if (!task.IsCompleted) { await ...; } task.GetAwaiter().GetResult();` reads a finished task. The
// analyzer cannot follow the flow that proves it, so it takes the check as the proof: a read of the
// task's IsCompleted (or another state property) earlier in the same function. A check that does not
// guard the read escapes the diagnostic; that is the price of no false positive on the common form.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Coop.Analyzers;

/// <summary>Tells whether code checked a task's completion before reading its result.</summary>
public static class CompletionCheck
{
    private static readonly string[] StateProperties =
        ["IsCompleted", "IsCompletedSuccessfully", "IsFaulted", "IsCanceled", "Status"];

    /// <summary>True when <paramref name="task"/> is a local or a parameter whose completion is read
    /// (IsCompleted, IsCompletedSuccessfully, IsFaulted, IsCanceled or Status) before
    /// <paramref name="read"/> in the same function.</summary>
    public static bool Precedes(IOperation? task, IOperation read)
    {
        var symbol = SymbolOf(task);
        if (symbol == null)
        {
            return false;
        }

        var body = read;
        while (body.Parent != null && body is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            body = body.Parent;
        }

        foreach (var operation in body.Descendants())
        {
            if (operation is IPropertyReferenceOperation check &&
                operation.Syntax.SpanStart < read.Syntax.SpanStart &&
                Array.IndexOf(StateProperties, check.Property.Name) >= 0 &&
                SymbolEqualityComparer.Default.Equals(SymbolOf(check.Instance), symbol))
            {
                return true;
            }
        }

        return false;
    }

    private static ISymbol? SymbolOf(IOperation? operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IConversionOperation { IsImplicit: true } conversion => SymbolOf(conversion.Operand),
        _ => null,
    };
}
