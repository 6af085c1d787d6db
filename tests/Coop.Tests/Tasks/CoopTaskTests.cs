using Coop.Tests.Properties.Model;
using Coop.Tests.Support;

namespace Coop.Tests.Tasks;

public class CoopTaskTests
{
    // Found by LoopInvariantTests.Tasks_RandomProgramsOfAwaitsCompletionsAndCancels_MatchModel:
    // a task that cancelled itself parked on the next pending future and only saw the cancellation
    // when that future completed, i.e. never, for a future nobody completes.
    [Fact]
    public void Cancel_SelfThenAwaitPendingFuture_RaisesAtThatAwait()
    {
        var outcome = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var never = loop.CreateFuture<int>();

            async Coroutine<int> SelfCancelling()
            {
                CoopTask.Current!.Cancel("stop");
                return await never;
            }

            var task = loop.CreateTask(SelfCancelling());
            JumpClock.RunUntilIdle(loop);
            return (task.State, task.Exception?.Message, NeverDone: !never.IsDone);
        });

        Assert.Equal((FutureState.Cancelled, "stop", true), outcome);
    }

    [Fact]
    public void Cancel_SelfThenSleep_RaisesAtOnceAndCancelsTheSleep()
    {
        var outcome = Bounded.Run(() =>
        {
            var clock = new JumpClock();
            using var loop = new EventLoop(clock);
            Future? sleep = null;

            async Coroutine SelfCancelling()
            {
                CoopTask.Current!.Cancel();
                sleep = loop.Sleep(3600);
                await sleep;
            }

            var task = loop.CreateTask(SelfCancelling());
            JumpClock.RunUntilIdle(loop);
            return (task.State, SleepState: sleep!.State, clock.Now);
        });

        Assert.Equal((FutureState.Cancelled, FutureState.Cancelled, 0L), outcome);
    }

    [Fact]
    public void Cancel_GeneratorSelfThenYieldPendingFuture_EndsCancelledAndDisposes()
    {
        var log = new List<string>();
        var state = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());
            var never = loop.CreateFuture();

            IEnumerable<object?> SelfCancelling()
            {
                try
                {
                    CoopTask.Current!.Cancel();
                    yield return never;
                    log.Add("resumed");
                }
                finally
                {
                    log.Add("finally");
                }
            }

            var task = loop.CreateTask(SelfCancelling());
            JumpClock.RunUntilIdle(loop);
            return task.State;
        });

        Assert.Equal(FutureState.Cancelled, state);
        Assert.Equal(["finally"], log);
    }

    // Found by the same property: a waiter that was cancelled stays registered on the task it
    // awaited; when that task then failed, the stale registration counted as "someone is waiting",
    // so the error was neither awaited nor reported.
    [Fact]
    public void Fail_OnlyWaiterWasCancelled_ErrorIsReported()
    {
        var reports = Bounded.Run(() =>
        {
            var seen = new List<string>();
            using var loop = new EventLoop(new JumpClock());
            loop.SetExceptionHandler((_, error) => seen.Add(error.Message + ": " + error.Exception?.Message));
            var release = loop.CreateFuture();

            async Coroutine Failing()
            {
                await release;
                throw new InvalidOperationException("lost?");
            }

            var failing = loop.CreateTask(Failing());

            async Coroutine Waiter() => await failing;

            var waiter = loop.CreateTask(Waiter());
            loop.CallSoon(() => loop.CallSoon(() =>
            {
                waiter.Cancel();
                release.SetResultObject(null);
            }));
            JumpClock.RunUntilIdle(loop);
            Assert.True(waiter.IsCancelled);
            return seen;
        });

        Assert.Equal(["Task exception was never retrieved: lost?"], reports);
    }

    // And its sibling: the waiter was woken by the failure but cancelled before it ran, so it
    // raised the cancellation instead of reading the error; that counted as "someone waits" too.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fail_WaiterCancelledAfterWakeUp_ErrorIsReported(bool generatorWaiter)
    {
        var reports = Bounded.Run(() =>
        {
            var seen = new List<string>();
            using var loop = new EventLoop(new JumpClock());
            loop.SetExceptionHandler((_, error) => seen.Add(error.Message + ": " + error.Exception?.Message));
            CoopTask? waiter = null;

            async Coroutine Failing()
            {
                await Coroutine.Yield();
                // Runs after this step, which wakes the waiter: the waiter is cancelled while ready.
                EventLoop.RunningLoop.CallSoon(() => waiter!.Cancel());
                throw new InvalidOperationException("lost?");
            }

            var failing = loop.CreateTask(Failing());

            async Coroutine AsyncWaiter() => await failing;

            IEnumerable<object?> GeneratorWaiter()
            {
                yield return failing;
            }

            waiter = generatorWaiter ? loop.CreateTask(GeneratorWaiter()) : loop.CreateTask(AsyncWaiter());
            JumpClock.RunUntilIdle(loop);
            Assert.True(waiter.IsCancelled);
            return seen;
        });

        Assert.Equal(["Task exception was never retrieved: lost?"], reports);
    }

    [Fact]
    public void Await_AsyncTaskAwaitsItself_FailsWithAClearError()
    {
        var error = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new JumpClock());

            async Coroutine Self() => await CoopTask.Current!;

            var task = loop.CreateTask(Self());
            JumpClock.RunUntilIdle(loop);
            return task.IsDone ? task.Exception : null;
        });

        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains("awaits itself", error!.Message, StringComparison.Ordinal);
    }

    // Cancelling a waiter must not harm other waiters: a sleep future is cancelled with its waiter
    // only when that waiter is the only one (a Sleep future is public and can be shared).
    [Fact]
    public void Cancel_OneOfTwoTasksSharingASleep_OtherStillWakesWhenItEnds()
    {
        var (cancelled, other, sleepState) = Bounded.Run(() =>
        {
            var clock = new JumpClock();
            using var loop = new EventLoop(clock);
            var sleep = loop.Sleep(0.005);

            async Coroutine<long> Sleeper()
            {
                await sleep;
                return clock.Now;
            }

            var first = loop.CreateTask(Sleeper());
            var second = loop.CreateTask(Sleeper());
            loop.CallSoon(() => loop.CallSoon(() => first.Cancel()));
            JumpClock.RunUntilIdle(loop);
            return (first.IsCancelled, second.IsDone && !second.IsCancelled ? second.Result : -1, sleep.State);
        });

        Assert.Equal((true, 5L, FutureState.Succeeded), (cancelled, other, sleepState));
    }
}
