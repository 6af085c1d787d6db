// Which of Coop's own awaiters a type is, computed once per awaiter type: the builder's fast path
// (Suspension.TrySuspendDirect) switches on it. After tiering the JIT reads the static readonly
// field as a constant, so for a given await only one branch remains.
namespace Coop.CompilerServices;

internal enum KernelAwaiterKind
{
    /// <summary>Not one of the three: suspend through the awaiter's OnCompleted.</summary>
    Other,

    /// <summary><see cref="YieldAwaiter"/>.</summary>
    Yield,

    /// <summary><see cref="FutureAwaiter"/> or <see cref="FutureAwaiter{T}"/>.</summary>
    Future,

    /// <summary><see cref="CoroutineAwaiter"/> or <see cref="CoroutineAwaiter{T}"/>.</summary>
    Coroutine,
}

internal static class KernelAwaiterKind<TAwaiter>
{
    public static readonly KernelAwaiterKind Kind = Classify(typeof(TAwaiter));

    private static KernelAwaiterKind Classify(Type type)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition == typeof(YieldAwaiter) ? KernelAwaiterKind.Yield
            : definition == typeof(FutureAwaiter) || definition == typeof(FutureAwaiter<>) ? KernelAwaiterKind.Future
            : definition == typeof(CoroutineAwaiter) || definition == typeof(CoroutineAwaiter<>) ? KernelAwaiterKind.Coroutine
            : KernelAwaiterKind.Other;
    }
}
