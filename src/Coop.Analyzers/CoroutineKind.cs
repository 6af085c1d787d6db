namespace Coop.Analyzers;

/// <summary>What kind of coroutine a function is (<see cref="CoopSymbols.KindOf"/>).</summary>
public enum CoroutineKind
{
    /// <summary>Not a coroutine.</summary>
    None,

    /// <summary>An <c>async Coroutine</c> or <c>async Coroutine&lt;T&gt;</c> method, local function or lambda.</summary>
    Async,

    /// <summary>An iterator returning <c>IEnumerable&lt;object?&gt;</c>.</summary>
    Generator,
}
