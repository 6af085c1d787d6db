using Coop.Tests.Support;

namespace Coop.Tests.Core;

// A sleep's future is its own timer (the heap holds the TimerFuture, no Handle): what that must keep
// guaranteeing, seen from the loop.
public class SleepTimerTests
{
    [Fact]
    public void Sleep_EqualDeadlineWithCallLater_CompletesInSchedulingOrder()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var seen = new List<bool>();
        Future? sleep = null;
        loop.CallLater(1, () => seen.Add(sleep!.IsDone));
        sleep = loop.Sleep(1);
        loop.CallLater(1, () => seen.Add(sleep.IsDone));
        clock.Advance(1);
        Iterations.RunUntilIdle(loop);
        Assert.Equal([false, true], seen);
    }

    [Theory]
    [InlineData("its task canceled")]
    [InlineData("canceled")]
    [InlineData("result set")]
    public void Sleep_CompletedBeforeItsDeadline_LeavesTheHeap(string how)
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        Future? sleep = null;
        async Coroutine Sleeper()
        {
            sleep = Coroutine.Sleep(3600);
            await sleep;
        }

        var task = loop.CreateTask(Sleeper());
        Iterations.RunUntilIdle(loop);
        Assert.Equal(1, loop.TimerHeapCount);
        _ = how switch
        {
            "its task canceled" => task.Cancel(),
            "canceled" => sleep!.Cancel(),
            _ => sleep!.TrySetResultObject(null),
        };
        Iterations.RunUntilIdle(loop);
        Assert.True(task.IsDone);
        Assert.Equal(0, loop.TimerHeapCount); // dropped at the top, not kept for an hour
    }

    [Fact]
    public void Sleep_MostCanceled_HeapIsRebuiltWithoutThem()
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var sleeps = Enumerable.Range(1, 200).Select(i => loop.Sleep(i)).ToList();
        for (var i = 199; i >= 50; i--)
        {
            sleeps[i].Cancel(); // the latest deadlines: none reaches the top
        }

        Assert.True(loop.TimerHeapCount < 200, "canceled sleeps must not pile up");
        clock.Advance(1000);
        Iterations.RunUntilIdle(loop);
        Assert.All(sleeps.Take(50), s => Assert.Equal(FutureState.Succeeded, s.State));
        Assert.Equal(0, loop.TimerHeapCount);
    }

    // Only a timer that dies while the heap holds it is counted for the rebuild (asyncio's
    // TimerHandle._scheduled): a canceled CallSoon handle, a timer canceled after it was moved to
    // the ready queue, or a sleep that completed when due leaves no dead entry. Counted anyway, 64
    // of them would make one canceled timer among ten pass the rebuild threshold (more than 64
    // dead, and more than half).
    [Theory]
    [InlineData("CallSoon handles canceled")]
    [InlineData("due handles canceled before they run")]
    [InlineData("due sleeps canceled before they complete")]
    [InlineData("sleeps completed when due")]
    public void Cancel_NotInTheHeap_IsNotCountedAsADeadTimer(string what)
    {
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        var cancelWhenDue = new List<Action>();
        loop.CallLater(0, () => cancelWhenDue.ForEach(cancel => cancel())); // first in the pass that moves them
        for (var i = 0; i < 64; i++)
        {
            switch (what)
            {
                case "CallSoon handles canceled":
                    loop.CallSoon(() => { }).Cancel();
                    break;
                case "due handles canceled before they run":
                    cancelWhenDue.Add(loop.CallLater(0, () => { }).Cancel);
                    break;
                case "due sleeps canceled before they complete":
                    var sleep = loop.Sleep(0);
                    cancelWhenDue.Add(() => sleep.Cancel());
                    break;
                default:
                    loop.Sleep(0);
                    break;
            }
        }

        Iterations.RunUntilIdle(loop);
        var pending = Enumerable.Range(1, 10).Select(i => loop.Sleep(i)).ToList();
        pending[9].Cancel();
        Assert.Equal(10, loop.TimerHeapCount); // one dead entry of ten: left for later
    }

    // asyncio special-cases sleep(0) as a bare yield; it used to cost a timer (and 5.5x a yield).
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(-1.0, false)]
    [InlineData(0.0, true)]
    public void Sleep_ZeroOrLess_IsAPlainYieldInTheSameOrderAsYield(double seconds, bool generators)
    {
        Assert.Equal(Interleaving(useSleep: false, seconds, generators), Interleaving(useSleep: true, seconds, generators));
    }

    private static List<string> Interleaving(bool useSleep, double seconds, bool generators)
    {
        var log = new List<string>();
        var clock = new ManualClock();
        using var loop = new EventLoop(clock);
        for (var t = 0; t < 3; t++)
        {
            _ = generators ? loop.CreateTask(Generator("t" + t)) : loop.CreateTask(Async("t" + t));
        }

        loop.CallSoon(() => log.Add("callback"));
        Iterations.RunUntilIdle(loop);
        Assert.Equal(0, loop.TimerHeapCount);
        return log;

        async Coroutine Async(string name)
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add(name + i);
                if (useSleep)
                {
                    await Coroutine.Sleep(seconds);
                }
                else
                {
                    await Coroutine.Yield();
                }
            }
        }

        IEnumerable<object?> Generator(string name)
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add(name + i);
                yield return useSleep ? Coroutine.Sleep(seconds) : null;
            }
        }
    }

    [Fact]
    public void Sleep_Zero_AllocatesNothingAndAddsNoTimer()
    {
        async Coroutine<long> Main()
        {
            await Coroutine.Sleep(0); // the first makes the loop's one Sleep(0) future
            var before = GC.GetAllocatedBytesForCurrentThread();
            var timers = 0;
            for (var i = 0; i < 1000; i++)
            {
                await Coroutine.Sleep(0);
                timers += EventLoop.Current.TimerHeapCount;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, timers);
            return allocated;
        }

        Assert.Equal(0, Bounded.Run(() => EventLoop.Run(Main())));
    }

    [Fact]
    public void Sleep_Zero_CanceledTaskRaisesThere_AndTheSharedFutureIsUnharmed()
    {
        var after = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal("canceled at Sleep(0); other task went on", after);

        async Coroutine<string> Main()
        {
            var loop = EventLoop.Current;
            var reached = false;
            async Coroutine Victim()
            {
                while (true)
                {
                    await Coroutine.Sleep(0);
                }
            }

            async Coroutine Other()
            {
                for (var i = 0; i < 5; i++)
                {
                    await Coroutine.Sleep(0);
                }

                reached = true;
            }

            var victim = loop.CreateTask(Victim());
            var other = loop.CreateTask(Other());
            await Coroutine.Yield();
            victim.Cancel();
            Assert.False(Coroutine.Sleep(0).Cancel()); // done: nothing a waiter does can break it
            await Assert.ThrowsAsync<CanceledException>(async () => await victim);
            await other;
            return (victim.IsCanceled ? "canceled at Sleep(0)" : "?") + (reached ? "; other task went on" : "");
        }
    }

    [Fact]
    public void Sleep_Zero_UsedByCombinatorsAndPlainAsyncCode_CompletesAtOnceOrOnTheNextPass()
    {
        var result = Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock()));
        Assert.Equal(3, result);

        static async Coroutine<int> Main()
        {
            var gathered = await Coroutine.Gather(Coroutine.Sleep(0), Coroutine.Sleep(0));
            var waited = await Coroutine.Wait([Coroutine.Sleep(0)]);
            await Coroutine.WaitFor(Coroutine.Sleep(0), 1);
            await Coroutine.Shield(Coroutine.Sleep(0));
            await PlainAsync(); // an `async Task` method awaiting Sleep(0): resumed on the next pass
            return gathered.Length + waited.Done.Count;
        }

        static async Task PlainAsync() => await Coroutine.Sleep(0);
    }
}
