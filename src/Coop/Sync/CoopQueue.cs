// A queue between the tasks of one loop (asyncio.Queue, with Python 3.13's shutdown). Items go
// through in the store's order (FIFO here; CoopLifoQueue and CoopPriorityQueue pick another store).
//
// No item is lost or duplicated, whatever gets canceled (WaitQueue.cs's protocol):
// - a getter is handed its item when it is woken; if it is canceled before it resumes, the item goes
//   to the next getter or back to the head of the store (RevokeGet) in its hand-off's place, so the
//   order is kept even when several such getters are canceled, in any order;
// - a blocked put is admitted when a get makes room: its item enters the store then. That cannot be
//   undone (a getter may already hold it), so a put canceled after that completes and the task is
//   canceled at its next await (RevokePut returns false). A put canceled before it was admitted
//   leaves nothing in the queue.
// Invariants: getters wait only while the store is empty; putters wait only while it is full (or
// while older putters wait); _unfinished counts items put and not yet marked done by TaskDone.
using System.Diagnostics;
using Coop.Core;

namespace Coop;

/// <summary>A first-in first-out queue for the tasks of one event loop (asyncio's <c>Queue</c>).
/// <c>await q.PutAsync(x)</c> and <c>var x = await q.GetAsync()</c> wait; <see cref="PutNowait"/> and
/// <see cref="GetNowait"/> throw instead; <see cref="TryPut"/> and <see cref="TryGet"/> return false.
/// Generators <c>yield return q.GetAsync()</c> and read the future's <c>Result</c>.</summary>
/// <remarks>A maximum size of zero or less means unbounded. Every waiting operation is
/// cancel-safe: if it raises <see cref="CanceledException"/> it put or took nothing.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "asyncio's names: it is a queue.")]
[DebuggerDisplay("{ToString(),nq}")]
public partial class CoopQueue<T>
{
    private readonly IItemStore<T> _store;
    private readonly WaitQueue<bool> _getters = new();
    private readonly WaitQueue<T> _putters = new();
    private Func<Future, bool>? _revokeGet;
    private Func<Future, bool>? _revokePut;
    private EventLoop? _loop;
    private readonly WaitQueue<bool> _joiners = new(); // wait only while _unfinished > 0
    private Future? _putDone;
    private int _unfinished;
    private long _handOffs; // items handed straight to a getter: numbers their places in line
    private bool _shutdown;
    private bool _immediate;
    private Func<Exception> _getError = static () => new QueueShutDownException("The queue was shut down and is empty.");
    private Func<Exception> _putError = static () => new QueueShutDownException("The queue was shut down: it accepts no more items.");

    /// <summary>Creates a first-in first-out queue.</summary>
    /// <param name="maxSize">The most items the queue holds; zero or less for no limit.</param>
    public CoopQueue(int maxSize = 0)
        : this(new FifoStore<T>(), maxSize)
    {
    }

    private protected CoopQueue(IItemStore<T> store, int maxSize)
    {
        _store = store;
        MaxSize = Math.Max(0, maxSize);
    }

    /// <summary>The most items the queue holds; zero for unbounded.</summary>
    public int MaxSize { get; }

    /// <summary>How many items are in the queue now.</summary>
    public int Count => _store.Count;

    /// <summary>True when the queue holds no item.</summary>
    public bool IsEmpty => _store.Count == 0;

    /// <summary>True when <see cref="PutAsync"/> would wait.</summary>
    public bool IsFull => MaxSize > 0 && _store.Count >= MaxSize;

    /// <summary>True after <see cref="Shutdown"/>.</summary>
    public bool IsShutDown => _shutdown;

    /// <summary>Puts <paramref name="item"/> in the queue, waiting while it is full.</summary>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    public Future PutAsync(T item)
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (_shutdown)
        {
            throw _putError();
        }

        if (TryPutCore(item))
        {
            return _putDone ??= DoneFuture.Of(loop);
        }

        var future = WaitQueue<T>.NewFuture<bool>(loop, _revokePut ??= RevokePut);
        _putters.Add(future, item);
        AssertInvariants();
        return future;
    }

    /// <summary>Takes the next item, waiting while the queue is empty.</summary>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty.</exception>
    public Future<T> GetAsync()
    {
        var loop = LoopAffinity.BindForWait(ref _loop, this);
        if (TryGetCore(out var item))
        {
            return DoneFuture.Of(loop, item);
        }

        if (_shutdown)
        {
            throw _getError();
        }

        var future = new ItemHandOffFuture<T>(loop, _revokeGet ??= RevokeGet) { CancelWithWaiter = true };
        _getters.Add(future, false);
        AssertInvariants();
        return future;
    }

    /// <summary>Puts <paramref name="item"/> if there is room; never waits.</summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    public void PutNowait(T item)
    {
        if (!TryPut(item))
        {
            throw new QueueFullException($"The queue is full ({MaxSize} items): use PutAsync to wait for room, or TryPut.");
        }
    }

    /// <summary>Takes the next item if there is one; never waits.</summary>
    /// <exception cref="QueueEmptyException">The queue is empty.</exception>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty.</exception>
    public T GetNowait()
    {
        if (!TryGet(out var item))
        {
            throw new QueueEmptyException("The queue is empty: use GetAsync to wait for an item, or TryGet.");
        }

        return item;
    }

    /// <summary>Puts <paramref name="item"/> if there is room and no older put waits; false if not.</summary>
    /// <exception cref="QueueShutDownException">The queue is shut down.</exception>
    public bool TryPut(T item)
    {
        LoopAffinity.Bind(ref _loop, this);
        if (_shutdown)
        {
            throw _putError();
        }

        return TryPutCore(item);
    }

    /// <summary>Takes the next item if there is one; false if the queue is empty.</summary>
    /// <exception cref="QueueShutDownException">The queue is shut down and empty.</exception>
    public bool TryGet(out T item)
    {
        LoopAffinity.Bind(ref _loop, this);
        if (TryGetCore(out item))
        {
            return true;
        }

        if (_shutdown)
        {
            throw _getError();
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"<{GetType().Name[..GetType().Name.IndexOf('`', StringComparison.Ordinal)]} {_store.Count}/{(MaxSize == 0 ? "∞" : MaxSize)}{(_shutdown ? " shut down" : "")}>";

    private bool TryPutCore(T item)
    {
        if (_getters.TryTake(out var getter))
        {
            // A getter waits only on an empty store: hand the item straight to it.
            _unfinished++;
            ((ItemHandOffFuture<T>)getter.Future).HandOver(item, _handOffs++);
            return true;
        }

        if (IsFull || !_putters.IsEmpty)
        {
            return false;
        }

        _store.Add(item);
        _unfinished++;
        AssertInvariants();
        return true;
    }

    private bool TryGetCore(out T item)
    {
        if (_store.Count == 0)
        {
            item = default!;
            return false;
        }

        item = _store.Take();
        AdmitPutters();
        AssertInvariants();
        return true;
    }

    private void AdmitPutters()
    {
        while (!IsFull && _putters.TryTake(out var putter))
        {
            _store.Add(putter.Payload);
            _unfinished++;
            ((Future<bool>)putter.Future).SetResult(true); // PutAsync made it (WaitQueue.NewFuture<bool>)
        }
    }

    // A getter was handed an item but canceled before it resumed: the item is the next one out, to
    // the next getter or back to the head of the store. Unless the store is full: the hand-off left it
    // empty, so puts were admitted meanwhile, and giving the item back would make it hold MaxSize + 1
    // (asyncio never exceeds maxsize). Then the hand-off stands, as an admitted put's does: the
    // getter keeps the item and its cancellation is raised at its next await. Nothing is lost,
    // nothing is duplicated, and the bound holds.
    private bool RevokeGet(Future future)
    {
        var handed = (ItemHandOffFuture<T>)future;
        var item = handed.Result;
        if (_getters.TryTake(out var next))
        {
            ((ItemHandOffFuture<T>)next.Future).HandOver(item, handed.HandOff);
        }
        else if (_immediate)
        {
            TaskDone(); // shut down immediately: dropped like the rest
        }
        else if (IsFull)
        {
            return false;
        }
        else
        {
            _store.GiveBack(item, handed.HandOff);
        }

        AssertInvariants();
        return true;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_getters.IsEmpty || _store.Count == 0, "getters wait only on an empty queue");
        Debug.Assert(_putters.IsEmpty || IsFull, "putters wait only on a full queue");
        Debug.Assert(_unfinished >= _store.Count, "every stored item is unfinished");
        Debug.Assert(MaxSize == 0 || _store.Count <= MaxSize, "the queue never holds more than its bound");
    }

    // An admitted put's item is in the store already (maybe taken): the put stands. An instance
    // method all the same: its target is how a waiting put's future names this queue (Future.Giver)
    // in a task dump's wait-for graph.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "The delegate's target names the queue in wait-for graphs.")]
    private bool RevokePut(Future future) => false;
}
