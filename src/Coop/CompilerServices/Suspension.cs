// How an async coroutine suspends: the builder's half (AwaitUnsafeOnCompleted) and the kernel
// awaiters' half (park, yield) meet here.
// Fast path: for Coop's own awaiters (yield, future, coroutine; KernelAwaiterKind says which, once per
// awaiter type) the builder suspends the task directly and leaves the coroutine itself as the resume
// target: no Action is made (a coroutine used to carry a 64-byte MoveNext delegate) and the awaiter's
// OnCompleted is not called.
// Other kernel awaiters (IKernelAwaiter) go through their OnCompleted: the builder marks the loop
// "suspending" first (only its stepping task can be), and the awaiter parks the task only when it sees that mark. Without it, the
// awaiter was called by some other async builder (an ordinary `async Task` method awaiting a Coop
// future on the loop thread), and it resumes that code with a plain callback instead of parking.
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

internal static class Suspension
{
    /// <summary>The builder side: suspend the current task on <paramref name="awaiter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the state machine: the hot await path
    public static void Await<TAwaiter>(ref TAwaiter awaiter, Coroutine coroutine)
        where TAwaiter : INotifyCompletion
    {
        var task = coroutine.Task ?? throw NotStarted();
        if (!TrySuspendDirect(ref awaiter, task, coroutine))
        {
            AwaitThroughAwaiter(ref awaiter, task, coroutine);
        }
    }

    private static void AwaitThroughAwaiter<TAwaiter>(ref TAwaiter awaiter, CoopTask task, Coroutine coroutine)
        where TAwaiter : INotifyCompletion
    {
        var resume = coroutine.MoveNextAction;
        if (default(TAwaiter) is IKernelAwaiter)
        {
            task.Loop.SuspendingInBuilder = true;
            try
            {
                awaiter.OnCompleted(resume);
            }
            finally
            {
                task.Loop.SuspendingInBuilder = false; // also when the awaiter refused (it threw)
            }

            return;
        }

        task.SuspendForeign(resume);
        awaiter.OnCompleted(task.ForeignWake);
    }

    /// <summary>The builder side for awaiters that do not flow the execution context.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AwaitUnsafe<TAwaiter>(ref TAwaiter awaiter, Coroutine coroutine)
        where TAwaiter : ICriticalNotifyCompletion
    {
        var task = coroutine.Task ?? throw NotStarted();
        if (!TrySuspendDirect(ref awaiter, task, coroutine))
        {
            AwaitUnsafeThroughAwaiter(ref awaiter, task, coroutine);
        }
    }

    private static void AwaitUnsafeThroughAwaiter<TAwaiter>(ref TAwaiter awaiter, CoopTask task, Coroutine coroutine)
        where TAwaiter : ICriticalNotifyCompletion
    {
        var resume = coroutine.MoveNextAction;
        if (default(TAwaiter) is IKernelAwaiter)
        {
            task.Loop.SuspendingInBuilder = true;
            try
            {
                awaiter.UnsafeOnCompleted(resume);
            }
            finally
            {
                task.Loop.SuspendingInBuilder = false; // also when the awaiter refused (it threw)
            }

            return;
        }

        task.SuspendForeign(resume);
        awaiter.UnsafeOnCompleted(task.ForeignWake);
    }

    /// <summary>Suspends <paramref name="task"/> on one of Coop's own awaiters without calling it;
    /// false for any other awaiter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TrySuspendDirect<TAwaiter>(ref TAwaiter awaiter, CoopTask task, Coroutine coroutine)
    {
        switch (KernelAwaiterKind<TAwaiter>.Of)
        {
            case KernelAwaiterKind.Yield:
                task.YieldWith(coroutine);
                return true;
            case KernelAwaiterKind.Future:
                // FutureAwaiter and FutureAwaiter<T> hold one field, the future: the same layout.
                task.ParkWith(Unsafe.As<TAwaiter, FutureAwaiter>(ref awaiter).Future, coroutine);
                return true;
            case KernelAwaiterKind.Coroutine:
                // CoroutineAwaiter<T> wraps a CoroutineAwaiter: the same layout. The callee runs in
                // this task, started here; when it ends it hands control back to this coroutine.
                Unsafe.As<TAwaiter, CoroutineAwaiter>(ref awaiter).Coroutine.RunAsCallee(coroutine, task);
                return true;
            default:
                return false;
        }
    }

    private static LoopInternalException NotStarted() =>
        new("A coroutine suspended before it was started in a task.");

    /// <summary>The awaiter side: true if Coop's builder is suspending <paramref name="task"/>
    /// (and clears the mark), false if some other code awaits.</summary>
    public static bool EndKernelSuspend(CoopTask? task)
    {
        if (task is { Loop.SuspendingInBuilder: true })
        {
            task.Loop.SuspendingInBuilder = false;
            return true;
        }

        return false;
    }

    /// <summary>The awaiter side of waiting on a future.</summary>
    public static void ParkOn(Future future, Action continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var task = CoopTask.Current;
        if (EndKernelSuspend(task))
        {
            task!.ParkWith(future, continuation);
            return;
        }

        ResumeWhenDone(future, continuation);
    }

    // Apart so that the closure is allocated only on this path: a lambda capturing a parameter makes
    // C# allocate its closure at method entry, which cost every kernel await 24 bytes.
    private static void ResumeWhenDone(Future future, Action continuation) =>
        future.AddDoneCallback(_ => continuation());
}
