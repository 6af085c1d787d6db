// The Coop expressions the code fixes write: Coroutine.FromTask(...), Coroutine.Sleep(...),
// EventLoop.Current.CreateTask(...), Coroutine.Return(...), and the `await`/`yield return` around
// them. Types are written fully qualified and marked for simplification, so a file with `using Coop;`
// gets `Coroutine.Sleep(0.1)` and one without gets `Coop.Coroutine.Sleep(0.1)`. Coop's names come from
// CoopSymbols, the one place that knows them.
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Coop.Analyzers.CodeFixes;

/// <summary>Builds the Coop expressions and statements the code fixes write, for one document.</summary>
public sealed class CoopSyntax
{
    private readonly SyntaxGenerator _generator;
    private readonly INamedTypeSymbol _coroutine;
    private readonly INamedTypeSymbol _loop;

    private CoopSyntax(SyntaxGenerator generator, INamedTypeSymbol coroutine, INamedTypeSymbol loop)
    {
        _generator = generator;
        _coroutine = coroutine;
        _loop = loop;
    }

    /// <summary>The builder for <paramref name="document"/>; null if its compilation lacks Coop.</summary>
    public static async Task<CoopSyntax?> ForAsync(Document document, CancellationToken cancellationToken)
    {
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation?.GetTypeByMetadataName(CoopSymbols.CoroutineName) is not { } coroutine ||
            compilation.GetTypeByMetadataName(CoopSymbols.EventLoopName) is not { } loop)
        {
            return null;
        }

        return new CoopSyntax(SyntaxGenerator.GetGenerator(document), coroutine, loop);
    }

    /// <summary><c>Coroutine.FromTask(task)</c>, or <c>Coroutine.FromTask(task.AsTask())</c> for a ValueTask.</summary>
    public ExpressionSyntax FromTask(ExpressionSyntax task, bool asTask) =>
        CallCoroutine(CoopSymbols.FromTaskMethod, asTask ? AsTask(task) : task.WithoutTrivia());

    /// <summary><c>Coroutine.FromTask(token =&gt; call'(args, token))</c>: <paramref name="call"/> renamed
    /// to <paramref name="asyncName"/> with the token appended (by name when <paramref name="tokenParameter"/> is set).</summary>
    public ExpressionSyntax FromTaskWithToken(InvocationExpressionSyntax call, string asyncName, string tokenName, string? tokenParameter, bool asTask)
    {
        var token = Argument(IdentifierName(tokenName));
        if (tokenParameter != null)
        {
            token = token.WithNameColon(NameColon(IdentifierName(tokenParameter)));
        }

        ExpressionSyntax body = call.WithoutTrivia()
            .WithExpression(Renamed(call.Expression, asyncName))
            .WithArgumentList(call.ArgumentList.AddArguments(token));
        if (asTask)
        {
            body = AsTask(body);
        }

        var lambda = SimpleLambdaExpression(Parameter(Identifier(tokenName)), body);
        return CallCoroutine(CoopSymbols.FromTaskMethod, lambda);
    }

    /// <summary><c>Coroutine.Sleep(seconds)</c> for a sleep of <paramref name="duration"/>, a number of
    /// milliseconds or, when <paramref name="unit"/> is "TimeSpan", a TimeSpan.</summary>
    public ExpressionSyntax Sleep(ExpressionSyntax duration, string? unit)
    {
        duration = duration.WithoutTrivia();
        ExpressionSyntax seconds;
        if (unit == "TimeSpan")
        {
            seconds = MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesized(duration), IdentifierName("TotalSeconds"));
        }
        else if (duration is LiteralExpressionSyntax { Token.Value: int milliseconds })
        {
            var text = (milliseconds / 1000m).ToString(CultureInfo.InvariantCulture);
            seconds = ParseExpression(text);
        }
        else
        {
            seconds = BinaryExpression(SyntaxKind.DivideExpression, Parenthesized(duration), ParseExpression("1000.0"));
        }

        return CallCoroutine(CoopSymbols.SleepMethod, seconds);
    }

    /// <summary><c>EventLoop.Current.CreateTask(coroutine)</c>.</summary>
    public ExpressionSyntax CreateTask(ExpressionSyntax coroutine)
    {
        var loop = _generator.MemberAccessExpression(_generator.TypeExpression(_loop), CoopSymbols.CurrentLoopProperty);
        var create = _generator.MemberAccessExpression(loop, CoopSymbols.CreateTaskMethod);
        return (ExpressionSyntax)_generator.InvocationExpression(create, coroutine.WithoutTrivia());
    }

    /// <summary><c>Coroutine.Return(value)</c>.</summary>
    public ExpressionSyntax Return(ExpressionSyntax value) => CallCoroutine(CoopSymbols.ReturnMethod, value.WithoutTrivia());

    /// <summary><c>(await awaited)</c>, its parentheses kept only where they are needed.</summary>
    public static ExpressionSyntax Await(ExpressionSyntax awaited) =>
        ParenthesizedExpression(AwaitExpression(awaited.WithoutTrivia())).WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);

    /// <summary><c>yield return value;</c> with the trivia of <paramref name="replaced"/>.</summary>
    public static StatementSyntax YieldReturn(ExpressionSyntax value, StatementSyntax replaced) =>
        YieldStatement(SyntaxKind.YieldReturnStatement, value.WithoutTrivia())
            .WithTriviaFrom(replaced)
            .WithAdditionalAnnotations(Formatter.Annotation);

    private ExpressionSyntax CallCoroutine(string method, ExpressionSyntax argument)
    {
        var target = _generator.MemberAccessExpression(_generator.TypeExpression(_coroutine), method);
        return (ExpressionSyntax)_generator.InvocationExpression(target, argument);
    }

    private static InvocationExpressionSyntax AsTask(ExpressionSyntax valueTask) =>
        InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesized(valueTask.WithoutTrivia()), IdentifierName("AsTask")));

    private static ParenthesizedExpressionSyntax Parenthesized(ExpressionSyntax expression) =>
        ParenthesizedExpression(expression).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>The called expression with its method name replaced (<c>File.ReadAllText</c> → <c>File.ReadAllTextAsync</c>).</summary>
    private static ExpressionSyntax Renamed(ExpressionSyntax called, string name) => called switch
    {
        MemberAccessExpressionSyntax access => access.WithName(IdentifierName(name)),
        MemberBindingExpressionSyntax binding => binding.WithName(IdentifierName(name)),
        IdentifierNameSyntax => IdentifierName(name),
        _ => called,
    };
}
