// What the builders do: how an async coroutine is made, suspends and ends. This is the file of the
// kernel's speed tricks for async coroutines (STYLE 17: confined to one place, explained here):
//   - The builders hold nothing. A builder field is copied into every state machine, so it would
//     cost every coroutine and every async task 8 bytes (W4's million waiting tasks). Start hands the
//     new box to Task through a thread-static (the compiler calls one right after the other, with
//     nothing in between), and the state machine's later calls find their frame as the innermost
//     frame of the task being stepped (CoopTask.Current: one thread-static read per suspension).
//   - Coop's own awaiters are recognised by type (KernelAwaiterKind, below), and the builder
//     suspends the task directly, reading the future or the callee out of the awaiter with Unsafe.As
//     (the awaiters are one-field structs of known layout): no delegate is made, no OnCompleted is
//     called, and the task resumes its innermost frame itself. For the non-generic awaiters the
//     kind is a type test the JIT folds, even in code compiled before any static is initialized;
//     the generic ones are classified once per type, into a static the JIT reads as a constant.
//     Either way, for a given await only one branch of the switch remains.
// Other awaiters: one of Coop's kernel awaiters (IKernelAwaiter) gets its OnCompleted called with the
// task in the Suspending phase and parks it (ParkOn); any other awaiter (a BCL Task) parks the task
// "foreign" and gets a callback that wakes it through the inbox from whatever thread completes it.
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

internal static class Suspension
{
    [ThreadStatic]
    private static Coroutine? t_made;

    /// <summary>The continuation handed to a kernel awaiter's OnCompleted: it parks the task instead
    /// of calling it (the task resumes its innermost frame itself).</summary>
    private static readonly Action KernelContinuation = static () =>
        throw new LoopInternalException("A kernel awaiter called the continuation Coop's builder gave it instead of parking the task.");

    /// <summary>Called with every async coroutine made while set (debug mode: coroutines never run).</summary>
    internal static Action<Coroutine>? OnMade { get; set; }

    public static void Made(Coroutine box)
    {
        t_made = box;
        OnMade?.Invoke(box);
    }

    public static Coroutine TakeMade()
    {
        var box = t_made!;
        t_made = null;
        return box;
    }

    private static CoopTask Running
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var task = CoopTask.Current;
            if (task is null)
            {
                ThrowOutsideTask();
            }

            return task;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOutsideTask() => throw new LoopInternalException("A coroutine ran outside the step of its task.");

    /// <summary>The running frame ended without a result or with <paramref name="error"/>.</summary>
    public static void End(Exception? error)
    {
        var task = Running;
        if (task.Innermost == task)
        {
            task.FinishRoot(error);
        }
        else
        {
            ((Coroutine)task.Innermost!).End(error, task);
        }
    }

    /// <summary>The running frame returned <paramref name="result"/>.</summary>
    public static void Return<T>(T result)
    {
        var task = Running;
        if (task.Innermost == task)
        {
            ((CoopTask<T>)task).SetRootResult(result);
        }
        else
        {
            ((Coroutine<T>)task.Innermost!).SetResult(result, task);
        }
    }

    /// <summary>The builder's AwaitOnCompleted and AwaitUnsafeOnCompleted: suspends the running task
    /// on <paramref name="awaiter"/>. Other awaiters get OnCompleted, not UnsafeOnCompleted, in both
    /// cases: the continuations given to them run no user code, so flowing the context costs nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the state machine: the hot await path
    public static void Await<TAwaiter>(ref TAwaiter awaiter)
        where TAwaiter : INotifyCompletion
    {
        var task = Running;
        switch (KernelAwaiterKind<TAwaiter>.Of)
        {
            case KernelAwaiterKind.Yield:
                task.Yield();
                return;
            case KernelAwaiterKind.Future:
                // FutureAwaiter and FutureAwaiter<T> hold one field, the future: the same layout.
                task.Park(Unsafe.As<TAwaiter, FutureAwaiter>(ref awaiter).Future);
                return;
            case KernelAwaiterKind.Coroutine:
                // CoroutineAwaiter<T> wraps a CoroutineAwaiter: the same layout.
                Unsafe.As<TAwaiter, CoroutineAwaiter>(ref awaiter).Coroutine.RunAsCallee(task);
                return;
            default:
                AwaitThroughAwaiter(ref awaiter, task);
                return;
        }
    }

    private static void AwaitThroughAwaiter<TAwaiter>(ref TAwaiter awaiter, CoopTask task)
        where TAwaiter : INotifyCompletion
    {
        if (default(TAwaiter) is IKernelAwaiter)
        {
            task.BeginKernelAwait();
            try
            {
                awaiter.OnCompleted(KernelContinuation);
            }
            finally
            {
                task.EndKernelAwait(); // the awaiter refused (it threw): the task runs on
            }

            return;
        }

        task.ParkForeign();
        try
        {
            awaiter.OnCompleted(task.ForeignWake);
        }
        catch
        {
            task.UnparkForeign();
            throw;
        }
    }

    /// <summary>A kernel awaiter's OnCompleted: parks the task if Coop's builder is suspending it,
    /// else (ordinary async code awaits a Coop future) resumes that code when the future is done.</summary>
    public static void ParkOn(Future future, Action continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (CoopTask.Current is { IsSuspendingInKernelAwait: true } task)
        {
            task.Park(future);
            return;
        }

        ResumeWhenDone(future, continuation);
    }

    // Apart so that the closure is allocated only on this path: a lambda capturing a parameter makes
    // C# allocate its closure at method entry.
    private static void ResumeWhenDone(Future future, Action continuation) =>
        future.AddDoneCallback(_ => continuation());

    private enum KernelAwaiterKind
    {
        Other, // not one of the three: suspend through the awaiter's OnCompleted
        Yield,
        Future,
        Coroutine,
    }

    private static class KernelAwaiterKind<TAwaiter>
    {
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
}
