// The inbox: the only thread-safe structure in Coop (STYLE 5, Trio's entry queue).
// Other threads post callbacks here with EventLoop.CallSoonThreadsafe; the loop thread drains them
// into the ready queue once per iteration and sleeps here when it has nothing to do, so an idle loop
// burns no CPU and a post wakes it at once. It sleeps on a monitor (Monitor.Wait) until the loop has
// a poller that waits itself (epoll); from then on it sleeps in the poller, which a post wakes
// (Poller.Wake: an eventfd), so one system call waits for a deadline, sockets and posts together.
// Corner case: a post that races with the loop going to sleep is never lost, because the loop checks
// for posts and marks itself sleeping under the same lock that Post takes; a post that sees the mark
// wakes the poller even if the loop has not entered its system call yet (the eventfd stays readable,
// so that call returns at once). A wake that arrives after the loop woke for another reason costs one
// spurious iteration, nothing more.
using System.Runtime.CompilerServices;

namespace Coop.Core;

internal sealed class Inbox
{
    private readonly object _gate = new(); // Monitor, not Lock: the loop sleeps with Monitor.Wait
    private List<PostedCallback> _posted = new();
    private List<PostedCallback> _spare = new();
    private bool _sleeping;
    private bool _closed;
    private Poller? _poller; // set once, on the loop thread, before the loop first sleeps in it

    // Read without the lock on the loop's hot path; a stale false only delays the drain to the
    // next iteration, and the loop re-checks under the lock before it sleeps.
    private volatile bool _hasPosts;

    public bool HasPosts => _hasPosts;

    /// <summary>True while the loop thread blocks in <see cref="Wait"/> (for tests and diagnostics:
    /// it lets another thread see that an idle loop really sleeps).</summary>
    public bool IsSleeping => Volatile.Read(ref _sleeping);

    /// <summary>Adds a callback from any thread; false once the inbox is closed.</summary>
    public bool TryPost(Action<object?> callback, object? state, Action<object?>? whenLoopClosed = null)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _posted.Add(new PostedCallback(callback, state, whenLoopClosed));
            _hasPosts = true;
            if (_sleeping)
            {
                // Under the lock: Close takes it too, so no wake can reach a poller after it closed.
                if (_poller != null)
                {
                    _poller.Wake();
                }
                else
                {
                    Monitor.Pulse(_gate);
                }
            }

            return true;
        }
    }

    /// <summary>Moves everything posted so far to <paramref name="ready"/>, in posting order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per loop iteration: the check inline, the work apart
    public void DrainInto(ReadyQueue ready)
    {
        // The common case is nothing posted: no lock. A post racing with this read is drained next
        // iteration (and Wait checks under the lock before the loop sleeps).
        if (_hasPosts)
        {
            DrainPosted(ready);
        }
    }

    private void DrainPosted(ReadyQueue ready)
    {
        List<PostedCallback> batch;
        lock (_gate)
        {
            if (_posted.Count == 0)
            {
                return;
            }

            batch = _posted;
            _posted = _spare;
            _hasPosts = false;
        }

        foreach (var posted in batch)
        {
            ready.Enqueue(posted.ToReadyItem());
        }

        batch.Clear();
        _spare = batch;
    }

    /// <summary>From now on the loop sleeps in <paramref name="poller"/>, which a post wakes.</summary>
    public void SleepIn(Poller poller)
    {
        lock (_gate)
        {
            _poller = poller;
        }
    }

    /// <summary>Blocks the loop thread until a post arrives or the timeout passes (infinite when
    /// negative); with a poller, also until I/O arrives.</summary>
    public void Wait(TimeSpan timeout)
    {
        var poller = _poller; // written on this thread only
        if (poller != null)
        {
            WaitInPoller(poller, timeout);
            return;
        }

        lock (_gate)
        {
            if (_posted.Count > 0)
            {
                return;
            }

            _sleeping = true;
            try
            {
                if (timeout < TimeSpan.Zero)
                {
                    Monitor.Wait(_gate);
                }
                else
                {
                    Monitor.Wait(_gate, timeout);
                }
            }
            finally
            {
                _sleeping = false;
            }
        }
    }

    private void WaitInPoller(Poller poller, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_posted.Count > 0)
            {
                return;
            }

            _sleeping = true;
        }

        // Outside the lock: posts must get in while the loop waits.
        try
        {
            poller.Poll(timeout);
        }
        finally
        {
            Volatile.Write(ref _sleeping, false);
        }
    }

    /// <summary>Refuses further posts and returns what was accepted but never drained.</summary>
    public List<PostedCallback> Close()
    {
        lock (_gate)
        {
            _closed = true;
            var left = _posted;
            _posted = new();
            _hasPosts = false;
            return left;
        }
    }
}
