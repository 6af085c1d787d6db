// The keys of the properties a diagnostic carries to its code fix. The analyzer decides everything
// that needs the semantic model (which rewrite, whether it is legal here); the fix only edits syntax.
namespace Coop.Analyzers;

/// <summary>Property keys shared by the analyzers and the code fixes.</summary>
public static class FixProperties
{
    /// <summary>The rewrite to make (a <see cref="BlockingFix"/>, or a fix-specific word); absent when none is offered.</summary>
    public const string Fix = "Fix";

    /// <summary>The enclosing coroutine's <see cref="CoroutineKind"/>: await in an async one, yield return in a generator.</summary>
    public const string Kind = "Kind";

    /// <summary>"true" when a ValueTask must become a Task (<c>.AsTask()</c>) for <c>Coroutine.FromTask</c>.</summary>
    public const string AsTask = "AsTask";

    /// <summary>The name of the asynchronous counterpart to call.</summary>
    public const string AsyncName = "AsyncName";

    /// <summary>The counterpart's CancellationToken parameter name, when the token must be passed by name.</summary>
    public const string TokenParameter = "TokenParameter";

    /// <summary>The name the lambda's token parameter takes (one that no local in scope has).</summary>
    public const string TokenName = "TokenName";

    /// <summary>"TimeSpan" when <c>Thread.Sleep</c>'s argument is a TimeSpan, else milliseconds.</summary>
    public const string SleepUnit = "SleepUnit";
}
