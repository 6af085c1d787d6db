// AsCompleted (asyncio.as_completed): futures in the order they complete. It returns one "slot"
// future per distinct input, all at once; the first slot completes with the first input to be done,
// the second with the second, and so on. A slot's result is the input future itself (done), so the
// caller reads its typed Result or Exception, and knows which one it was (as asyncio 3.13's
// `async for` form does). Slots are Futures: both coroutine kinds can wait on them.
// A slot is the caller's to cancel (a WaitFor on it timing out, a canceled Gather of slots): a
// canceled slot is skipped, and the input it would have got goes to the next slot, as in asyncio,
// where a canceled `await next` leaves the input in the queue for the next one.
namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>Returns one future per distinct input: the i-th completes with the i-th input to be done
    /// (the input itself, done). After <paramref name="timeout"/> seconds, the slots not yet completed
    /// fail with <see cref="TimeoutException"/>.</summary>
    /// <example><code>
    /// foreach (var next in Coroutine.AsCompleted(tasks))
    /// {
    ///     var task = await next;        // the first task to finish, then the second...
    ///     Console.WriteLine(task.Result);
    /// }
    /// </code></example>
    public static IReadOnlyList<Future<TFuture>> AsCompleted<TFuture>(IEnumerable<TFuture> futures, double timeout = double.PositiveInfinity)
        where TFuture : Future
    {
        return AsCompletedCore(futures, timeout);
    }

    /// <summary>Returns one future per distinct input, in completion order; the slots not completed
    /// after <paramref name="timeout"/> fail with <see cref="TimeoutException"/> (see
    /// <see cref="AsCompleted{TFuture}(IEnumerable{TFuture}, double)"/>).</summary>
    public static IReadOnlyList<Future<TFuture>> AsCompleted<TFuture>(IEnumerable<TFuture> futures, TimeSpan timeout)
        where TFuture : Future =>
        AsCompletedCore(futures, EventLoop.SecondsOf(timeout));

    private static Future<TFuture>[] AsCompletedCore<TFuture>(IEnumerable<TFuture> futures, double timeout)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        if (double.IsNaN(timeout))
        {
            throw new ArgumentException("The timeout is NaN: give seconds, or PositiveInfinity for none.", nameof(timeout));
        }

        var inputs = new List<TFuture>();
        var seen = new HashSet<Future>(ReferenceEqualityComparer.Instance);
        foreach (var future in futures)
        {
            ArgumentNullException.ThrowIfNull(future, nameof(futures));
            if (seen.Add(future))
            {
                inputs.Add(future);
            }
        }

        CheckAll([.. inputs]);
        var loop = inputs.Count > 0 ? inputs[0].Loop : EventLoop.Current;
        loop.CheckThread();
        var slots = new Future<TFuture>[inputs.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new Future<TFuture>(loop);
        }

        var next = 0;
        foreach (var input in inputs)
        {
            if (input.IsDone)
            {
                slots[next++].SetResult(input); // already done: first, in argument order
            }
        }

        if (next == slots.Length)
        {
            return slots;
        }

        Handle? timer = null;
        Action<Future>? onDone = null;
        onDone = f =>
        {
            while (next < slots.Length && !slots[next++].TrySetResult((TFuture)f))
            {
                // that slot was canceled: the input goes to the next one
            }

            if (next == slots.Length)
            {
                timer?.Cancel();
            }
        };
        foreach (var input in inputs)
        {
            if (!input.IsDone)
            {
                input.AddDoneCallback(onDone);
            }
        }

        if (!double.IsPositiveInfinity(timeout))
        {
            timer = loop.CallLater(timeout, () =>
            {
                foreach (var input in inputs)
                {
                    input.RemoveDoneCallback(onDone);
                }

                while (next < slots.Length)
                {
                    var slot = slots[next++];
                    slot.TrySetException(new TimeoutException("as-completed timed out before every future was done."));
                    _ = slot.Exception; // one timeout, not an error per slot: the slots nobody awaits are not reported
                }
            });
        }

        return slots;
    }
}
