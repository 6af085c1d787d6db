using Coop.Core;
using CsCheck;

namespace Coop.Tests.Core;

public class TimerQueueTests
{
    private static Handle Timer(long due, List<long> fired) => new(null, s => fired.Add((long)s!), due, due);

    private static void RunDue(TimerQueue timers, long now)
    {
        var ready = new ReadyQueue();
        timers.MoveDue(now, ready);
        while (ready.Count > 0)
        {
            var item = ready.Dequeue();
            item.Callback!(item.State); // timers are callbacks, never task steps
        }
    }

    [Fact]
    public void MoveDue_MixedDeadlines_EarliestFirstAndOnlyDueOnes()
    {
        var timers = new TimerQueue();
        var fired = new List<long>();
        foreach (var due in new long[] { 50, 10, 40, 20, 30 })
        {
            timers.Add(Timer(due, fired));
        }

        RunDue(timers, 30);
        Assert.Equal([10, 20, 30], fired);
        Assert.Equal(2, timers.Count);
        Assert.Equal(40, timers.NextDue());
    }

    [Fact]
    public void MoveDue_EqualDeadlines_SchedulingOrder()
    {
        var timers = new TimerQueue();
        var order = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            timers.Add(new Handle(null, _ => order.Add(n), null, 7));
        }

        RunDue(timers, 7);
        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public void Capacity_AMillionTimersCanceled_MemoryGivenBack()
    {
        var timers = new TimerQueue();
        var fired = new List<long>();
        var handles = new Handle[1_000_000];
        for (var i = 0; i < handles.Length; i++)
        {
            timers.Add(handles[i] = Timer(1000 + i, fired));
        }

        Assert.True(timers.Capacity >= handles.Length);
        foreach (var handle in handles)
        {
            handle.Cancel();
            timers.OnCanceled(); // what the loop does for a handle the heap holds
        }

        Assert.True(timers.Capacity <= TimerQueue.TrimAbove, $"capacity {timers.Capacity} after every timer was canceled");
        Assert.Null(timers.NextDue());
    }

    [Fact]
    public void Capacity_ABurstFiresWhileSomeStay_ShrinksAndTheRestFireInOrder()
    {
        var timers = new TimerQueue();
        var fired = new List<long>();
        for (var i = 0; i < 100_000; i++)
        {
            timers.Add(Timer(i, fired));
        }

        var grown = timers.Capacity;
        RunDue(timers, 99_899); // all but the last hundred
        Assert.True(timers.Capacity < grown / 4, $"capacity {timers.Capacity}, was {grown}");
        RunDue(timers, long.MaxValue);
        Assert.Equal(Enumerable.Range(0, 100_000).Select(i => (long)i), fired);
    }

    [Fact]
    public void Capacity_SmallHeap_NeverShrunkBelowTheFloor()
    {
        var timers = new TimerQueue();
        var fired = new List<long>();
        for (var i = 0; i < TimerQueue.TrimAbove; i++)
        {
            timers.Add(Timer(i, fired));
        }

        var capacity = timers.Capacity;
        RunDue(timers, long.MaxValue);
        Assert.Equal(capacity, timers.Capacity);
    }

    [Fact]
    public void NextDue_Empty_Null()
    {
        Assert.Null(new TimerQueue().NextDue());
    }

    [Fact]
    public void NextDue_CanceledAtTop_SkipsIt()
    {
        var timers = new TimerQueue();
        var fired = new List<long>();
        var first = Timer(1, fired);
        timers.Add(first);
        timers.Add(Timer(2, fired));
        first.Cancel();
        timers.OnCanceled();
        Assert.Equal(2, timers.NextDue());
        RunDue(timers, 10);
        Assert.Equal([2], fired);
    }

    [Fact]
    public void OnCanceled_MostCanceled_HeapIsRebuiltSmaller()
    {
        var timers = new TimerQueue();
        var fired = new List<long>();
        var handles = Enumerable.Range(0, 200).Select(i => Timer(i, fired)).ToList();
        handles.ForEach(timers.Add);
        for (var i = 0; i < 150; i++)
        {
            handles[i].Cancel();
            timers.OnCanceled();
        }

        Assert.True(timers.Count < 200, "canceled timers must not pile up");
        RunDue(timers, long.MaxValue);
        Assert.Equal(Enumerable.Range(150, 50).Select(i => (long)i), fired);
    }

    [Fact]
    public void MoveDue_RandomDeadlinesAndCancels_MatchesSortedModel()
    {
        Gen.Select(Gen.Long[0, 20], Gen.Bool).Array[0, 100].Sample(specs =>
        {
            var timers = new TimerQueue();
            var fired = new List<int>();
            var handles = new List<Handle>();
            for (var i = 0; i < specs.Length; i++)
            {
                var n = i;
                var handle = new Handle(null, _ => fired.Add(n), null, specs[i].Item1);
                handles.Add(handle);
                timers.Add(handle);
            }

            for (var i = 0; i < specs.Length; i++)
            {
                if (specs[i].Item2)
                {
                    handles[i].Cancel();
                    timers.OnCanceled();
                }
            }

            RunDue(timers, 20);
            var expected = Enumerable.Range(0, specs.Length).Where(i => !specs[i].Item2)
                .OrderBy(i => specs[i].Item1).ThenBy(i => i);
            Assert.Equal(expected, fired);
            Assert.Equal(0, timers.Count);
        });
    }

    [Theory]
    [InlineData("canceled")]
    [InlineData("result set")]
    [InlineData("failed")]
    [InlineData("canceled through its exception")]
    public void MoveDue_SleepCompletedAnyOtherWay_IsDroppedNotFired(string how)
    {
        using var loop = new EventLoop(); // never run: it only owns the futures
        var timers = new TimerQueue();
        var early = new TimerFuture(loop);
        var live = new TimerFuture(loop);
        timers.Add(early, 1);
        timers.Add(live, 2);
        _ = how switch
        {
            "canceled" => early.Cancel(),
            "result set" => early.TrySetResultObject("early"),
            "failed" => early.TrySetException(new FormatException()),
            _ => early.TrySetException(new CanceledException()),
        };
        timers.OnCanceled(); // the loop counts it for its own heap (TimerFuture.OnCompleted)

        var ready = new ReadyQueue();
        timers.MoveDue(10, ready);
        Assert.Equal(1, ready.Count);
        var item = ready.Dequeue();
        Assert.Same(live, item.State);
        item.Callback!(item.State);
        Assert.Equal(FutureState.Succeeded, live.State);
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void Clear_DropsEverything()
    {
        var timers = new TimerQueue();
        timers.Add(Timer(1, new List<long>()));
        timers.Clear();
        Assert.Equal(0, timers.Count);
        Assert.Null(timers.NextDue());
    }
}
