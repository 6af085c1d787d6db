// The ValueTask behind each asynchronous call of StreamOverByteStream: one reusable source per
// direction, completed on the loop thread by the task that did the work. Continuations run inline
// (RunContinuationsAsynchronously is false), so .NET code awaiting with ConfigureAwait(false), as
// SslStream and the compression streams do, resumes right there on the loop thread, inside the
// loop's step, instead of hopping to the thread pool. Code awaiting with the loop's
// SynchronizationContext captured is posted back to the loop instead, which is the loop thread too.
//
// The completion runs with no SynchronizationContext (Complete): .NET inlines a Task's
// ConfigureAwait(false) continuations only where the current context is none (Task's
// IsValidLocationForInlining), and on the loop thread it is the loop's. Without this, the first
// `await innerTask.ConfigureAwait(false)` inside SslStream or StreamReader that this completion
// finishes would move the rest of that code to the thread pool, off the loop. Awaits that captured
// the loop's context keep it: they post to the loop.
using System.Threading.Tasks.Sources;

namespace Coop.Core;

internal sealed class LoopValueTaskSource : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> _core;

    /// <summary>True from <see cref="Start"/> until the operation completes.</summary>
    public bool InUse { get; private set; }

    public short Version => _core.Version;

    /// <summary>Begins an operation; the caller returns a ValueTask over this source and <see cref="Version"/>.</summary>
    public void Start()
    {
        _core.Reset();
        InUse = true;
    }

    public void SetResult(int result)
    {
        InUse = false; // first: the continuation, run inline, may start the next operation
        Complete(static (source, result) => source._core.SetResult(result), this, result);
    }

    public void SetException(Exception error)
    {
        InUse = false;
        Complete(static (source, error) => source._core.SetException(error), this, error);
    }

    /// <summary>Runs <paramref name="complete"/>, which completes .NET work whose continuations must
    /// run inline on this (the loop) thread, with no SynchronizationContext; see the file comment.</summary>
    public static void Complete<TSource, TState>(Action<TSource, TState> complete, TSource source, TState state)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            complete(source, state);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
