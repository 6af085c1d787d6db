namespace Coop.Tests.Determinism.Samples;

/// <summary>A minimal FIFO lock built on futures, for the sample bugs (the library's own Sync
/// primitives live on another branch). Acquire hands ownership straight to the next waiter.</summary>
internal sealed class SampleLock
{
    private readonly Queue<Future> _waiters = new();

    public bool IsHeld { get; private set; }

    public async Coroutine Acquire()
    {
        if (!IsHeld)
        {
            IsHeld = true;
            return;
        }

        var turn = EventLoop.Current.CreateFuture();
        _waiters.Enqueue(turn);
        await turn; // ownership is handed over by Release
    }

    public void Release()
    {
        if (!IsHeld)
        {
            throw new InvalidOperationException("Release of a lock that is not held.");
        }

        if (_waiters.Count > 0)
        {
            _waiters.Dequeue().SetResult();
        }
        else
        {
            IsHeld = false;
        }
    }
}
