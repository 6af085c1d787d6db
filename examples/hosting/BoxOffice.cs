namespace Coop.Examples.Hosting;

/// <summary>Seats for sale, owned by the event loop: every member runs on the loop thread, so a
/// plain int is enough. A buyer waits on a condition until enough seats are free, fairly (first come,
/// first served).</summary>
internal sealed class BoxOffice
{
    private readonly CoopCondition _changed = new();
    private int _free;

    /// <summary>The seats free now, read under the lock so that no purchase is half done.</summary>
    public async Coroutine<int> CountAsync()
    {
        using (await _changed.AcquireAsync())
        {
            return _free;
        }
    }

    /// <summary>Waits until <paramref name="count"/> seats are free, takes them, and returns how many
    /// are left. Canceled (the client hung up), it takes nothing.</summary>
    public async Coroutine<int> BuyAsync(int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Buy at least one seat.");
        }

        using (await _changed.AcquireAsync())
        {
            await _changed.WaitUntilAsync(() => _free >= count);
            _free -= count;
            return _free;
        }
    }

    /// <summary>Adds seats and wakes the buyers waiting for them.</summary>
    public async Coroutine AddAsync(int count)
    {
        using (await _changed.AcquireAsync())
        {
            _free += count;
            _changed.NotifyAll();
        }
    }
}
