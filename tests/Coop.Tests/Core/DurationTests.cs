using Coop.Tests.Support;

namespace Coop.Tests.Core;

/// <summary>Every method that takes a duration in seconds also takes a TimeSpan, with the same meaning:
/// Timeout.InfiniteTimeSpan is no limit, a negative span counts as zero.</summary>
public class DurationTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    [Fact]
    public void Sleep_TimeSpan_SleepsThatLongInLoopTime()
    {
        var slept = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            await Coroutine.Sleep(TimeSpan.FromMilliseconds(1500));
            return loop.Time() - start;
        });

        Assert.Equal(1.5, slept, precision: 6);
    }

    [Fact]
    public void Sleep_NegativeTimeSpan_CountsAsZero()
    {
        var slept = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            await Coroutine.Sleep(TimeSpan.FromSeconds(-3));
            return loop.Time() - start;
        });

        Assert.Equal(0, slept);
    }

    [Fact]
    public void CallLater_TimeSpan_RunsAfterTheDelay()
    {
        var ranAt = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            var done = loop.CreateFuture<double>();
            loop.CallLater(TimeSpan.FromSeconds(2), () => done.SetResult(loop.Time()));
            return await done - start;
        });

        Assert.Equal(2, ranAt, precision: 6);
    }

    [Fact]
    public void MoveOnAfter_TimeSpan_MovesOnAtTheDeadline()
    {
        var (caught, elapsed) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            var scope = await CancelScope.MoveOnAfter(TimeSpan.FromSeconds(3), async _ => await Coroutine.Sleep(100));
            return (scope.CanceledCaught, loop.Time() - start);
        });

        Assert.True(caught);
        Assert.Equal(3, elapsed, precision: 6);
    }

    [Fact]
    public void MoveOnAfter_InfiniteTimeSpan_NeverMovesOn()
    {
        var caught = Run(async () =>
        {
            var scope = await CancelScope.MoveOnAfter(Timeout.InfiniteTimeSpan, async _ => await Coroutine.Sleep(1e6));
            return scope.CanceledCaught;
        });

        Assert.False(caught);
    }

    [Fact]
    public void FailAfter_TimeSpan_RaisesTimeoutAtTheDeadline()
    {
        Assert.Throws<TimeoutException>(() => Run(async () =>
            await CancelScope.FailAfter(TimeSpan.FromSeconds(1), async _ =>
            {
                await Coroutine.Sleep(5);
                return 1;
            })));
    }

    [Fact]
    public void FailAfter_TimeSpanBodyEndsFirst_ReturnsItsResult()
    {
        var result = Run(async () => await CancelScope.FailAfter(TimeSpan.FromSeconds(10), async _ =>
        {
            await Coroutine.Sleep(1);
            return 7;
        }));

        Assert.Equal(7, result);
    }

    [Fact]
    public void WaitFor_TimeSpan_TimesOutLikeTheSecondsForm()
    {
        var (coroutineTimedOut, futureTimedOut) = Run(async () =>
        {
            var first = false;
            try
            {
                await Coroutine.WaitFor(Coroutine.Sleep(10), TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                first = true;
            }

            var pending = EventLoop.Current.CreateFuture<int>();
            var second = false;
            try
            {
                await Coroutine.WaitFor(pending, TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                second = pending.IsCanceled;
            }

            return (first, second);
        });

        Assert.True(coroutineTimedOut);
        Assert.True(futureTimedOut);
    }

    [Fact]
    public void Wait_TimeSpan_ReturnsWhatIsPendingAtTheTimeout()
    {
        var (done, pending) = Run(async () =>
        {
            var fast = Coroutine.Sleep(1);
            var slow = Coroutine.Sleep(10);
            var result = await Coroutine.Wait([fast, slow], WaitMode.AllCompleted, TimeSpan.FromSeconds(2));
            return (result.Done.Count, result.Pending.Count);
        });

        Assert.Equal(1, done);
        Assert.Equal(1, pending);
    }

    [Fact]
    public void AsCompleted_TimeSpan_FailsTheSlotsLeftAtTheTimeout()
    {
        var (first, secondTimedOut) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var fast = loop.CreateTask(Value(1, 1));
            var slow = loop.CreateTask(Value(2, 10));
            var slots = Coroutine.AsCompleted([fast, slow], TimeSpan.FromSeconds(2));
            var winner = await slots[0];
            var timedOut = false;
            try
            {
                await slots[1];
            }
            catch (TimeoutException)
            {
                timedOut = true;
            }

            slow.Cancel();
            return (winner.Result, timedOut);
        });

        Assert.Equal(1, first);
        Assert.True(secondTimedOut);
    }

    private static async Coroutine<int> Value(int value, double after)
    {
        await Coroutine.Sleep(after);
        return value;
    }
}
