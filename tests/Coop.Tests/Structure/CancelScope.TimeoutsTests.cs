using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CancelScopeTimeoutsTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    private static void Run(Func<Coroutine> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    [Fact]
    public void MoveOnAfter_DeadlinePassesWhileParked_LeavesBlockSilently()
    {
        var after = false;
        var scope = Run(async () =>
        {
            var s = await CancelScope.MoveOnAfter(0.01, async _ =>
            {
                await Coroutine.Sleep(100);
                after = true;
            });
            return s;
        });

        Assert.False(after);
        Assert.True(scope.IsCancellationRequested);
        Assert.True(scope.CanceledCaught);
        Assert.Equal(CancelScopeState.Exited, scope.State);
    }

    [Fact]
    public void MoveOnAfter_BodyEndsFirst_NotCanceled()
    {
        var scope = Run(async () => await CancelScope.MoveOnAfter(100, async _ => await Coroutine.Yield()));

        Assert.False(scope.IsCancellationRequested);
        Assert.False(scope.CanceledCaught);
    }

    [Fact]
    public void FailAfter_DeadlinePasses_RaisesTimeoutException()
    {
        Assert.Throws<TimeoutException>(() => Run(async () => await CancelScope.FailAfter(0.01, async _ => await Coroutine.Sleep(100))));
    }

    [Fact]
    public void FailAfter_WithResult_ReturnsIt()
    {
        var result = Run(async () => await CancelScope.FailAfter(100, async _ =>
        {
            await Coroutine.Yield();
            return 42;
        }));

        Assert.Equal(42, result);
    }

    [Fact]
    public void MoveOnAt_PastDeadline_MovesOnAtFirstAwait()
    {
        var scope = Run(async () => await CancelScope.MoveOnAt(EventLoop.Current.Time() - 1, async _ => await Coroutine.Sleep(100)));
        Assert.True(scope.CanceledCaught);
    }

    [Fact]
    public void FailAt_DeadlineInTime_ReturnsResult()
    {
        Assert.Equal(7, Run(async () => await CancelScope.FailAt(EventLoop.Current.Time() + 100, async _ =>
        {
            await Coroutine.Yield();
            return 7;
        })));
    }

    [Fact]
    public void FailAt_DeadlinePasses_RaisesTimeoutException()
    {
        Assert.Throws<TimeoutException>(() => Run(async () =>
            await CancelScope.FailAt(EventLoop.Current.Time() + 0.01, async _ => await Coroutine.Sleep(100))));
    }

    [Fact]
    public void FailAfter_OuterCancellation_PassesThroughUnconverted()
    {
        var outer = Run(async () => await CancelScope.MoveOnAfter(0.01, async _ =>
            await CancelScope.FailAfter(100, async _ => await Coroutine.Sleep(100))));

        Assert.True(outer.CanceledCaught); // no TimeoutException: the inner deadline did not pass
    }

    [Fact]
    public void Shielded_WithOwnDeadline_StillTimesOut()
    {
        var scope = new CancelScope { Shield = true };
        Run(async () =>
        {
            scope.Deadline = EventLoop.Current.Time() + 0.01;
            await scope.RunAsync(async _ => await Coroutine.Sleep(100));
        });

        Assert.True(scope.CanceledCaught);
    }

    [Fact]
    public void MoveOnAfter_VirtualClock_LeavesExactlyAtTheDeadline()
    {
        var (elapsed, caught) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            var scope = await CancelScope.MoveOnAfter(2, async _ => await Coroutine.Sleep(3600));
            return (loop.Time() - start, scope.CanceledCaught);
        });

        Assert.Equal(2, elapsed, precision: 6);
        Assert.True(caught);
    }

    [Fact]
    public void NestedDeadlines_VirtualClock_TheEarliestFiresAtItsTime()
    {
        var (elapsed, innerCaught, outerCaught) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            CancelScope? inner = null;
            var outer = await CancelScope.MoveOnAfter(5, async _ =>
            {
                inner = await CancelScope.MoveOnAfter(3, async _ => await Coroutine.Sleep(3600));
                await Coroutine.Sleep(3600);
            });
            return (loop.Time() - start, inner!.CanceledCaught, outer.CanceledCaught);
        });

        Assert.Equal(5, elapsed, precision: 6); // inner left at 3, then the outer's deadline at 5
        Assert.True(innerCaught);
        Assert.True(outerCaught);
    }

    [Fact]
    public void Deadline_RescheduledLater_VirtualClock_FiresAtTheNewTime()
    {
        var elapsed = Run(async () =>
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            await CancelScope.MoveOnAfter(1, async s =>
            {
                s.Deadline = loop.Time() + 7;
                await Coroutine.Sleep(3600);
            });
            return loop.Time() - start;
        });

        Assert.Equal(7, elapsed, precision: 6);
    }
}
