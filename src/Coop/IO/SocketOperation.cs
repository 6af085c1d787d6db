// What the receive and send operations share. They are coroutine frames written by hand instead of
// async methods, for one reason: speed on the path where the system call succeeds at once, which on
// a busy connection is most calls (every send of an echo or a reply). An async method is a frame the
// moment it is awaited: the caller suspends, the callee runs as the task's innermost frame, and the
// caller resumes, even when the callee never waits. A hand-written operation tries its call in the
// awaiter's IsCompleted (Coroutine.TryEndOnAwait), so a call that succeeds leaves the caller running
// as if it had called a method. Only a call that finds the socket not ready becomes a frame, whose
// MoveNext waits for readiness and tries again: the same loop, the same checks and the same
// cancel-safety as the readiness operations in IoBackend.cs.
// Every step runs on the loop thread, inside the step of the awaiting task.
using Coop.CompilerServices;

namespace Coop.IO;

internal static class SocketOperation
{
    /// <summary>Where a receive or send operation goes on from, at its next MoveNext.</summary>
    public enum Next : byte
    {
        Start,     // nothing done yet (IsCompleted did not try): check, then try the call
        WaitFirst, // checked, and the call found the socket not ready (or full): wait, then try
        Woken,     // the wait ended: raise its cancellation or failure, else try the call
    }

    /// <summary>True if an operation may try its call in its awaiter's IsCompleted: a task of the
    /// socket's loop is running. Anywhere else the await takes the coroutine path, which reports the
    /// misuse (another loop's thread, ordinary async code outside a task).</summary>
    public static bool CanEndOnAwait(SocketRegistration registration) => registration.Loop.SteppingTask != null;

    /// <summary>Starts a wait for <paramref name="direction"/> and parks <paramref name="task"/> on it.</summary>
    public static ReadinessFuture Park(CoopTask task, SocketRegistration registration, IoDirection direction, string operation)
    {
        var wait = registration.WaitAsync(direction, operation);
        task.Park(wait);
        return wait;
    }

    /// <summary>The end of a wait, as an await of it ends: raises the task's cancellation, else the
    /// wait's failure (the socket was closed under it).</summary>
    public static void EndWait(ReadinessFuture wait) => new FutureAwaiter(wait).GetResult();
}
