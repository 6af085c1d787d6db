using Coop.Tests.Support;

namespace Coop.Tests.Time;

public class VirtualClockTests
{
    [Fact]
    public void Autojump_TenThousandTasksSleeping24Hours_AllFinishAt24VirtualHours()
    {
        var clock = new VirtualClock();
        var finished = 0;
        async Coroutine Sleeper(int i)
        {
            // Each task sleeps 24 hours in 24 one-hour naps, staggered by i milliseconds.
            await Coroutine.Sleep(i / 1000.0);
            for (var h = 0; h < 24; h++)
            {
                await Coroutine.Sleep(3600);
            }

            finished++;
        }

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var tasks = Enumerable.Range(0, 10_000).Select(i => loop.CreateTask(Sleeper(i))).ToList();
            foreach (var task in tasks)
            {
                await task;
            }
        }

        Bounded.Run(() => EventLoop.Run(Main(), clock));
        Assert.Equal(10_000, finished);
        Assert.Equal(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(9.999), clock.Elapsed);
    }

    [Fact]
    public void Autojump_SleepOneHour_LoopTimeMovesExactlyOneHour()
    {
        var clock = new VirtualClock();
        async Coroutine<double> Main()
        {
            var loop = EventLoop.Current;
            var start = loop.Time();
            await Coroutine.Sleep(3600);
            return loop.Time() - start;
        }

        var elapsed = Bounded.Run(() => EventLoop.Run(Main(), clock));
        Assert.Equal(3600.0, elapsed);
        Assert.Equal(TimeSpan.FromHours(1), clock.Elapsed);
        Assert.Equal(1, clock.Jumps);
    }

    [Fact]
    public void Autojump_SameProgramTwice_SameEventsAtSameTimes()
    {
        static List<string> RunOnce()
        {
            var log = new List<string>();
            async Coroutine Worker(string name, double[] naps)
            {
                foreach (var nap in naps)
                {
                    await Coroutine.Sleep(nap);
                    log.Add($"{EventLoop.Current.Time():F3} {name}");
                }
            }

            async Coroutine Main()
            {
                var loop = EventLoop.Current;
                var a = loop.CreateTask(Worker("a", [0.3, 1.7, 0.25]));
                var b = loop.CreateTask(Worker("b", [1.0, 1.0, 1.0]));
                await a;
                await b;
            }

            EventLoop.Run(Main(), new VirtualClock());
            return log;
        }

        var first = Bounded.Run(RunOnce);
        var second = Bounded.Run(RunOnce);
        Assert.Equal(first, second);
        Assert.Equal(["0.300 a", "1.000 b", "2.000 a", "2.000 b", "2.250 a", "3.000 b"], first);
    }

    [Fact]
    public void Advance_ByHandWithoutAutojump_WakesSleeperOnNextIteration()
    {
        var clock = new VirtualClock { AutoJump = false };
        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var woke = false;
            async Coroutine Sleeper()
            {
                await Coroutine.Sleep(10);
                woke = true;
            }

            var sleeper = loop.CreateTask(Sleeper());
            await Coroutine.Yield();
            clock.Advance(TimeSpan.FromSeconds(9));
            await Coroutine.Yield();
            await Coroutine.Yield();
            Assert.False(woke);
            clock.Advance(TimeSpan.FromSeconds(1));
            await sleeper;
            Assert.True(woke);
        }

        Bounded.Run(() => EventLoop.Run(Main(), clock));
        Assert.Equal(TimeSpan.FromSeconds(10), clock.Elapsed);
        Assert.Equal(0, clock.Jumps);
    }

    [Fact]
    public void Advance_Negative_ThrowsNamingTheArgument()
    {
        var clock = new VirtualClock();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
        Assert.Equal("delta", error.ParamName);
    }

    [Fact]
    public void AdvanceTo_Earlier_DoesNotMoveBack()
    {
        var clock = new VirtualClock();
        clock.Advance(TimeSpan.FromMinutes(5));
        clock.AdvanceTo(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromMinutes(5), clock.Elapsed);
    }

    [Fact]
    public void GetUtcNow_AfterAdvance_IsStartPlusElapsed()
    {
        var start = new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(start.AddDays(2), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromDays(2), clock.GetElapsedTime(0));
    }

    [Fact]
    public void Idle_AwaitingFutureNobodyCompletes_ThrowsDeadlockNamingTheTask()
    {
        async Coroutine Stuck(Future never) => await never;

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            await loop.CreateTask(Stuck(loop.CreateFuture()), "stuck");
        }

        var error = Assert.Throws<DeadlockException>(() => Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
        Assert.Contains("every task is blocked", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.BlockedTasks, t => t.Contains("'stuck'", StringComparison.Ordinal) && t.Contains("Future", StringComparison.Ordinal));
        Assert.Contains(error.BlockedTasks, t => t.Contains("'main'", StringComparison.Ordinal));
    }

    [Fact]
    public void Idle_TaskAwaitsWorkOnAnotherThread_WaitsForRealInsteadOfDeadlock()
    {
        async Coroutine<int> Main()
        {
            using var gate = new ManualResetEventSlim();
            var work = Task.Run(() =>
            {
                gate.Wait();
                return 42;
            });
            EventLoop.Current.CallSoon(gate.Set); // released only once the main task is parked
            return await work;
        }

        Assert.Equal(42, Bounded.Run(() => EventLoop.Run(Main(), new VirtualClock())));
    }

    [Fact]
    public void Idle_ForeignWaitAndTimer_TimerStillFiresWhenForeignWorkIsSlow()
    {
        var clock = new VirtualClock();
        async Coroutine<string> Main()
        {
            var loop = EventLoop.Current;
            var release = new TaskCompletionSource();
            async Coroutine Foreign() => await release.Task;
            var foreign = loop.CreateTask(Foreign());
            await Coroutine.Sleep(0.01); // waits 10 ms for real: a foreign wait may still post
            release.SetResult();
            await foreign;
            return "done";
        }

        Assert.Equal("done", Bounded.Run(() => EventLoop.Run(Main(), clock)));
        Assert.Equal(TimeSpan.FromMilliseconds(10), clock.Elapsed);
    }

    [Fact]
    public void CreateTimer_TaskDelayOnClock_JumpsToItsDueTime()
    {
        var clock = new VirtualClock();
        async Coroutine Main() => await Task.Delay(TimeSpan.FromHours(3), clock);

        Bounded.Run(() => EventLoop.Run(Main(), clock));
        Assert.Equal(TimeSpan.FromHours(3), clock.Elapsed);
    }

    [Fact]
    public void CreateTimer_PeriodicTimerOnClock_TicksEveryVirtualHour()
    {
        var clock = new VirtualClock();
        async Coroutine<int> Main()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
            var ticks = 0;
            while (ticks < 3 && await timer.WaitForNextTickAsync())
            {
                ticks++;
            }

            return ticks;
        }

        Assert.Equal(3, Bounded.Run(() => EventLoop.Run(Main(), clock)));
        Assert.Equal(TimeSpan.FromHours(3), clock.Elapsed);
    }
}
