// Which of Coop's own awaiters a type is: the builder's fast path (Suspension.Await) switches on
// it. For the non-generic awaiters the answer is a type test the JIT folds, even in code
// compiled before any static is initialized (tier-0, or tiered compilation off); the generic ones
// are classified once per type, into a static the JIT reads as a constant after tiering. Either way,
// for a given await only one branch remains.
using System.Runtime.CompilerServices;

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
    /// <summary>The kind of <typeparamref name="TAwaiter"/>.</summary>
    public static KernelAwaiterKind Of
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(TAwaiter) == typeof(YieldAwaiter) ? KernelAwaiterKind.Yield
            : typeof(TAwaiter) == typeof(CoroutineAwaiter) ? KernelAwaiterKind.Coroutine
            : typeof(TAwaiter) == typeof(FutureAwaiter) ? KernelAwaiterKind.Future
            : Classified;
    }

    private static readonly KernelAwaiterKind Classified = Classify(typeof(TAwaiter));

    private static KernelAwaiterKind Classify(Type type)
    {
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return definition == typeof(YieldAwaiter) ? KernelAwaiterKind.Yield
            : definition == typeof(FutureAwaiter) || definition == typeof(FutureAwaiter<>) ? KernelAwaiterKind.Future
            : definition == typeof(CoroutineAwaiter) || definition == typeof(CoroutineAwaiter<>) ? KernelAwaiterKind.Coroutine
            : KernelAwaiterKind.Other;
    }
}
