// CoopQueue's completion: asyncio's TaskDone/Join bookkeeping and Python 3.13's Shutdown (gentle or
// immediate), which channels reuse with their own exceptions (ChannelState.cs). The queue itself is
// in CoopQueue.cs.
using Coop.Core;

namespace Coop;

public partial class CoopQueue<T>
{
    /// <summary>Marks one item taken earlier as processed (asyncio's <c>task_done</c>); when every item
    /// put is marked, <see cref="JoinAsync"/> completes.</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    public void TaskDone()
    {
        LoopAffinity.Bind(ref _loop, this);
        if (_unfinished <= 0)
        {
            throw new InvalidOperationException("CoopQueue.TaskDone was called more times than items were put.");
        }

        _unfinished--;
        if (_unfinished == 0)
        {
            foreach (var joiner in _joiners.TakeAll())
            {
                joiner.Future.SetResultObject(null);
            }
        }
    }

    /// <summary>Waits until every item put has been marked with <see cref="TaskDone"/>. The future is
    /// this join's own (as CoopEvent.WaitAsync's is): canceling it, or a timeout that does, ends this wait
    /// only.</summary>
    public Future JoinAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_unfinished == 0)
        {
            return _putDone ??= DoneFuture.Of(loop);
        }

        var future = WaitQueue<bool>.NewFuture(loop);
        _joiners.Add(future, false);
        return future;
    }

    /// <summary>Shuts the queue down (Python 3.13's <c>shutdown</c>): puts raise
    /// <see cref="QueueShutDownException"/> (waiting ones too), gets go on until the queue is empty and
    /// then raise it. With <paramref name="immediate"/>, the items left are dropped (counted as done
    /// for <see cref="JoinAsync"/>) and every get raises at once.</summary>
    public void Shutdown(bool immediate = false)
    {
        LoopAffinity.Bind(ref _loop, this);
        ShutdownCore(immediate, null, null);
    }

    /// <summary>Shutdown with the exceptions a channel raises instead of QueueShutDownException.</summary>
    internal void ShutdownCore(bool immediate, Func<Exception>? getError, Func<Exception>? putError)
    {
        _shutdown = true;
        _getError = getError ?? _getError;
        _putError = putError ?? _putError;
        if (immediate)
        {
            _immediate = true;
            var dropped = _store.Count;
            _store.Clear();
            for (var i = 0; i < dropped; i++)
            {
                TaskDone();
            }
        }

        foreach (var putter in _putters.TakeAll())
        {
            putter.Future.SetException(_putError());
        }

        if (_store.Count == 0)
        {
            foreach (var getter in _getters.TakeAll())
            {
                getter.Future.SetException(_getError());
            }
        }
    }
}
