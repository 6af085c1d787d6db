// The loop as the thread's SynchronizationContext while it runs: BCL continuations (an `async Task`
// method called from a coroutine, TaskAwaiter's captured context) come back through the inbox and run
// on the loop thread. A post after the loop closed is reported on stderr rather than thrown on a pool
// thread.
namespace Coop.Core;

/// <summary>The loop as a <see cref="SynchronizationContext"/> while it runs, so ordinary
/// <c>async Task</c> code called from a coroutine resumes on the loop thread.</summary>
internal sealed class LoopSynchronizationContext(EventLoop loop) : SynchronizationContext
{
    private static readonly Action<object?> InvokePost = static s =>
    {
        var (callback, state) = ((SendOrPostCallback, object?))s!;
        callback(state);
    };

    // Not CallSoonThreadsafe: a continuation posted after the loop closed must not throw on a pool
    // thread (that would crash the process); TryPostFromAnyThread reports it to standard error.
    public override void Post(SendOrPostCallback d, object? state) => loop.TryPostFromAnyThread(InvokePost, (d, state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (!loop.IsOnLoopThread)
        {
            throw new NotSupportedException("Send to a Coop loop from another thread would block it: use Post.");
        }

        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;
}
