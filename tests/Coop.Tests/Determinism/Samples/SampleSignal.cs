namespace Coop.Tests.Determinism.Samples;

/// <summary>A condition-variable-like signal for the missed wake-up sample: <see cref="NotifyAll"/>
/// wakes only the tasks already waiting; it remembers nothing for tasks that wait later.</summary>
internal sealed class SampleSignal
{
    private readonly List<Future> _waiters = new();

    public Future Wait()
    {
        var future = EventLoop.Current.CreateFuture();
        _waiters.Add(future);
        return future;
    }

    public void NotifyAll()
    {
        foreach (var waiter in _waiters)
        {
            waiter.SetResult();
        }

        _waiters.Clear();
    }
}
