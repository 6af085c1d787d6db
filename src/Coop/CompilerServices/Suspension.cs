// How an async coroutine suspends: the builder's half (AwaitUnsafeOnCompleted) and the kernel
// awaiters' half (park, yield) meet here. The builder marks the task "suspending" before it calls a
// kernel awaiter; the awaiter parks the task only when it sees that mark. Without it, the awaiter
// was called by some other async builder (an ordinary `async Task` method awaiting a Coop future on
// the loop thread), and it resumes that code with a plain callback instead of parking the task.
using System.Runtime.CompilerServices;

namespace Coop.CompilerServices;

internal static class Suspension
{
    /// <summary>The builder side: suspend the current task on <paramref name="awaiter"/>.</summary>
    public static void Await<TAwaiter>(ref TAwaiter awaiter, Coroutine coroutine)
        where TAwaiter : INotifyCompletion
    {
        var task = coroutine.Task ?? throw new LoopInternalException("A coroutine suspended before it was started in a task.");
        var resume = coroutine.MoveNextAction;
        if (default(TAwaiter) is IKernelAwaiter)
        {
            task.SuspendingInBuilder = true;
            try
            {
                awaiter.OnCompleted(resume);
            }
            finally
            {
                task.SuspendingInBuilder = false; // also when the awaiter refused (it threw)
            }

            return;
        }

        task.SuspendForeign(resume);
        awaiter.OnCompleted(task.ForeignWake);
    }

    /// <summary>The builder side for awaiters that do not flow the execution context.</summary>
    public static void AwaitUnsafe<TAwaiter>(ref TAwaiter awaiter, Coroutine coroutine)
        where TAwaiter : ICriticalNotifyCompletion
    {
        var task = coroutine.Task ?? throw new LoopInternalException("A coroutine suspended before it was started in a task.");
        var resume = coroutine.MoveNextAction;
        if (default(TAwaiter) is IKernelAwaiter)
        {
            task.SuspendingInBuilder = true;
            try
            {
                awaiter.UnsafeOnCompleted(resume);
            }
            finally
            {
                task.SuspendingInBuilder = false; // also when the awaiter refused (it threw)
            }

            return;
        }

        task.SuspendForeign(resume);
        awaiter.UnsafeOnCompleted(task.ForeignWake);
    }

    /// <summary>The awaiter side: true if Coop's builder is suspending <paramref name="task"/>
    /// (and clears the mark), false if some other code awaits.</summary>
    public static bool EndKernelSuspend(CoopTask? task)
    {
        if (task is { SuspendingInBuilder: true })
        {
            task.SuspendingInBuilder = false;
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
