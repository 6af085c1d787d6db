using Coop.Tests.Determinism.Samples;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Determinism;

public class ExploreTests
{
    /// <summary>Three tasks append their name around yields: a racy program with many schedules.</summary>
    private static async Coroutine Racy(List<string> log)
    {
        async Coroutine Worker(string name)
        {
            for (var i = 0; i < 3; i++)
            {
                log.Add(name + i);
                await Coroutine.Yield();
            }
        }

        var loop = EventLoop.Current;
        var tasks = new[] { "A", "B", "C" }.Select(n => loop.CreateTask(Worker(n), n)).ToList();
        foreach (var task in tasks)
        {
            await task;
        }
    }

    [Fact]
    public void Replay_SameSeed_SameTraceAndSameOrder()
    {
        var first = new List<string>();
        var second = new List<string>();
        var a = Bounded.Run(() => Explore.Replay(() => Racy(first), seed: 42));
        var b = Bounded.Run(() => Explore.Replay(() => Racy(second), seed: 42));
        Assert.Equal(a.Trace, b.Trace);
        Assert.Equal(first, second);
        Assert.NotEmpty(a.Deviations);
    }

    [Fact]
    public void Search_DifferentSeeds_DifferentSchedules()
    {
        var result = Bounded.Run(() => Explore.Search(() => Racy([]), new ExploreOptions { Schedules = 50 }));
        Assert.False(result.Failed);
        Assert.Equal(50, result.SchedulesRun);
        Assert.True(result.DistinctSchedules > 25, $"only {result.DistinctSchedules} distinct schedules of 50");
    }

    [Fact]
    public void Replay_NoChoices_IsPlainFifo()
    {
        var fifo = new List<string>();
        var run = Bounded.Run(() => Explore.Replay(() => Racy(fifo), []));
        Assert.False(run.Failed);
        Assert.Empty(run.Deviations);
        Assert.Equal(["A0", "B0", "C0", "A1", "B1", "C1", "A2", "B2", "C2"], fifo);
    }

    [Fact]
    public void Replay_ChoicesOfARun_ReproducesIt()
    {
        var seeded = new List<string>();
        var replayed = new List<string>();
        var run = Bounded.Run(() => Explore.Replay(() => Racy(seeded), seed: 7));
        var again = Bounded.Run(() => Explore.Replay(() => Racy(replayed), run.Choices));
        Assert.Equal(seeded, replayed);
        Assert.Equal(run.Trace.Select(c => c.Index), again.Trace.Select(c => c.Index));
    }

    [Fact]
    public void Replay_AnySeed_ChoicesReproduceTheSameTrace()
    {
        Gen.Long.Sample(
            seed =>
            {
                var byseed = Explore.Replay(() => Racy([]), seed);
                var bychoices = Explore.Replay(() => Racy([]), byseed.Choices);
                return byseed.Trace.SequenceEqual(bychoices.Trace);
            },
            iter: 50);
    }

    [Fact]
    public void Run_FailingSchedule_ThrowsWithSeedReplayAndShrunkTrace()
    {
        var error = Assert.Throws<ScheduleFailedException>(() => Bounded.Run(() => Explore.Run(() => SampleBugs.CheckThenAct(false))));
        var result = error.Result!;
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("Overdrawn", error.Message, StringComparison.Ordinal);
        Assert.Contains($"seed: {result.Failure!.Seed}", error.Message, StringComparison.Ordinal);
        Assert.Contains("ran task 'B' before task 'A'", error.Message, StringComparison.Ordinal);

        var replay = Bounded.Run(() => Explore.Replay(() => SampleBugs.CheckThenAct(false), result.Failure.Seed!.Value));
        Assert.True(replay.Failed);
        Assert.Equal(result.Failure.Trace, replay.Trace);
    }

    [Fact]
    public void Shrink_FailingRun_IsOneMinimal()
    {
        var result = Bounded.Run(() => Explore.Search(() => SampleBugs.LostUpdate(false), new ExploreOptions { Shrink = false }));
        var failing = result.Failure!;
        var shrunk = Bounded.Run(() => Explore.Shrink(() => SampleBugs.LostUpdate(false), failing));
        Assert.True(shrunk.Failed);
        Assert.True(shrunk.Deviations.Count <= failing.Deviations.Count);
        Assert.NotEmpty(shrunk.Deviations); // FIFO passes, so at least one deviation is needed

        // Undo any one deviation: the bug no longer shows.
        for (var i = 0; i < shrunk.Choices.Count; i++)
        {
            if (shrunk.Choices[i] == 0)
            {
                continue;
            }

            var fewer = shrunk.Choices.ToArray();
            fewer[i] = 0;
            var run = Bounded.Run(() => Explore.Replay(() => SampleBugs.LostUpdate(false), fewer));
            Assert.False(run.Failed && run.Exception is InvalidOperationException, $"undoing deviation at {i} still fails");
        }

        // The shrunk choices, committed as a regression test, still fail.
        Assert.True(Bounded.Run(() => Explore.Replay(() => SampleBugs.LostUpdate(false), shrunk.Choices)).Failed);
    }

    /// <summary>The lost update of the samples, among four noisy tasks that yield often: a random
    /// schedule deviates from FIFO at many points, of which one matters.</summary>
    private static async Coroutine NoisyLostUpdate()
    {
        async Coroutine Noise()
        {
            for (var i = 0; i < 6; i++)
            {
                await Coroutine.Yield();
            }
        }

        var loop = EventLoop.Current;
        var noise = Enumerable.Range(0, 4).Select(i => loop.CreateTask(Noise(), "noise" + i)).ToList();
        await SampleBugs.LostUpdate(fixedVersion: false);
        foreach (var task in noise)
        {
            await task;
        }
    }

    [Fact]
    public void Shrink_NoisySchedule_ReducesToTheOneDeviationThatMatters()
    {
        var result = Bounded.Run(() => Explore.Search(NoisyLostUpdate, new ExploreOptions { Schedules = 200 }));
        Assert.True(result.Failed);
        Assert.True(result.Failure!.Deviations.Count >= 5, $"the failing schedule has only {result.Failure.Deviations.Count} deviations");
        var shrunk = result.Shrunk!;
        Assert.Single(shrunk.Deviations);
        Assert.Contains("task 'B' before task 'A'", shrunk.Deviations[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("Shrunk from", result.Report(), StringComparison.Ordinal);
        Assert.True(Bounded.Run(() => Explore.Replay(NoisyLostUpdate, shrunk.Choices)).Failed);
    }

    [Fact]
    public void Shrink_PassingRun_ThrowsNamingTheArgument()
    {
        var passing = Bounded.Run(() => Explore.Replay(() => Racy([]), []));
        var error = Assert.Throws<ArgumentException>(() => Explore.Shrink(() => Racy([]), passing));
        Assert.Equal("failing", error.ParamName);
    }

    [Fact]
    public void Search_EndlessLoop_FailsAsLivelock()
    {
        static async Coroutine Spin()
        {
            while (true)
            {
                await Coroutine.Yield();
            }
        }

        var result = Bounded.Run(() => Explore.Search(Spin, new ExploreOptions { Schedules = 1, MaxSteps = 1000 }));
        var error = Assert.IsType<ScheduleViolationException>(result.Failure!.Exception);
        Assert.Contains("livelock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_MainEndsWithChildAlive_FailsAsLeak()
    {
        static async Coroutine Leaky()
        {
            _ = EventLoop.Current.CreateTask(SleepLong(), "orphan");
            await Coroutine.Yield();
        }

        var result = Bounded.Run(() => Explore.Search(Leaky, new ExploreOptions { Schedules = 1 }));
        var error = Assert.IsType<ScheduleViolationException>(result.Failure!.Exception);
        Assert.Contains("'orphan'", error.Message, StringComparison.Ordinal);

        var allowed = Bounded.Run(() => Explore.Search(Leaky, new ExploreOptions { Schedules = 1, FailOnLeakedTasks = false }));
        Assert.False(allowed.Failed);
    }

    [Fact]
    public void Search_ChildFailsUnobserved_FailsWithItsException()
    {
        static async Coroutine Main()
        {
            _ = EventLoop.Current.CreateTask(Boom(), "boom");
            await Coroutine.Sleep(1);
        }

        var result = Bounded.Run(() => Explore.Search(Main, new ExploreOptions { Schedules = 1 }));
        Assert.IsType<FormatException>(result.Failure!.Exception);
    }

    [Fact]
    public void Search_ChildFailsInTheStepMainEnds_StillFails()
    {
        var result = Bounded.Run(() => Explore.Search(ChildFailingAsMainEnds.Program, new ExploreOptions { Schedules = 1 }));
        Assert.IsType<FormatException>(result.Failure?.Exception);
    }

    [Fact]
    public void Search_Deadlock_FailsWithDeadlockException()
    {
        var result = Bounded.Run(() => Explore.Search(() => SampleBugs.LockOrdering(false)));
        Assert.IsType<DeadlockException>(result.Failure!.Exception);
        Assert.Contains("DeadlockException", result.Report(), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_PassingProgram_ReportSaysAllPassed()
    {
        var result = Bounded.Run(() => Explore.Search(() => Racy([]), new ExploreOptions { Schedules = 10, Strategy = ExploreStrategy.Pct }));
        Assert.False(result.Failed);
        Assert.Null(result.Shrunk);
        Assert.StartsWith("All 10 schedules passed", result.Report(), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Exhaustive_EnumeratesEachScheduleOnce()
    {
        var orders = new List<string>();
        async Coroutine Body()
        {
            var log = new List<string>();
            await Racy(log);
            orders.Add(string.Join(",", log));
        }

        var result = Bounded.Run(() => Explore.Search(Body, new ExploreOptions { Schedules = 100_000, Strategy = ExploreStrategy.Exhaustive }));
        Assert.True(result.Exhausted);
        // Three tasks ready together in four passes (three that log, one in which they finish):
        // 3! orders per pass, 6^4 schedules, of which the log shows the first three passes: 6^3.
        Assert.Equal(1296, result.SchedulesRun);
        Assert.Equal(216, orders.Distinct().Count());
    }

    private static IEnumerable<object?> CountingGenerator(List<int> log, int id)
    {
        for (var i = 0; i < 2; i++)
        {
            log.Add(id);
            yield return null;
        }
    }

    [Fact]
    public void Search_GeneratorCoroutines_AreExploredThroughAnAsyncBody()
    {
        var orders = new HashSet<string>();
        var result = Bounded.Run(() => Explore.Search(
            async () =>
            {
                var log = new List<int>();
                var loop = EventLoop.Current;
                var a = loop.CreateTask(CountingGenerator(log, 1), "gen1");
                var b = loop.CreateTask(CountingGenerator(log, 2), "gen2");
                await a;
                await b;
                orders.Add(string.Join("", log));
            },
            new ExploreOptions { Strategy = ExploreStrategy.Exhaustive }));
        Assert.True(result.Exhausted);
        Assert.Equal(["1212", "1221", "2112", "2121"], orders.Order());
    }

    [Fact]
    public void Replay_SeedWithExhaustiveStrategy_ThrowsPointingToChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => Explore.Replay(() => Racy([]), 3, new ExploreOptions { Strategy = ExploreStrategy.Exhaustive }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("choices", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_ExhaustiveBudgetTooSmall_NotExhausted()
    {
        var result = Bounded.Run(() => Explore.Search(() => Racy([]), new ExploreOptions { Schedules = 10, Strategy = ExploreStrategy.Exhaustive }));
        Assert.False(result.Exhausted);
        Assert.Equal(10, result.SchedulesRun);
        Assert.Contains("budget reached", result.Report(), StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_PctSeed_ReproducesTheSameTrace()
    {
        var options = new ExploreOptions { Strategy = ExploreStrategy.Pct };
        var a = Bounded.Run(() => Explore.Replay(() => Racy([]), 99, options));
        var b = Bounded.Run(() => Explore.Replay(() => Racy([]), 99, options));
        Assert.Equal(a.Trace, b.Trace);
    }

    [Theory]
    [InlineData(0, 1, 3)]
    [InlineData(1, 0, 3)]
    [InlineData(1, 100, 0)]
    public void Options_OutOfRange_Throw(int schedules, int maxSteps, int depth)
    {
        var options = new ExploreOptions { Schedules = schedules, MaxSteps = maxSteps, PctDepth = depth };
        Assert.Throws<ArgumentOutOfRangeException>(() => Explore.Search(() => Racy([]), options));
    }

    private sealed class OtherInstrument : LoopInstrument
    {
    }

    [Fact]
    public void Search_BodyReplacesInstrument_FailsWithClearError()
    {
        static async Coroutine Meddler()
        {
            EventLoop.Current.Instrument = new OtherInstrument();
            await Coroutine.Yield();
        }

        var result = Bounded.Run(() => Explore.Search(Meddler, new ExploreOptions { Schedules = 1 }));
        Assert.Contains("loop.Instrument", result.Failure!.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_BodyReturnsNull_FailsWithClearError()
    {
        var result = Bounded.Run(() => Explore.Search(() => null!, new ExploreOptions { Schedules = 1 }));
        Assert.Contains("returned null", result.Failure!.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_EqualDeadlineTimers_BothOrdersAreExplored()
    {
        var orders = new HashSet<string>();
        async Coroutine Main()
        {
            var log = new List<string>();
            async Coroutine Sleeper(string name)
            {
                await Coroutine.Sleep(5);
                log.Add(name);
            }

            var loop = EventLoop.Current;
            var first = loop.CreateTask(Sleeper("first"), "first");
            var second = loop.CreateTask(Sleeper("second"), "second");
            await first;
            await second;
            orders.Add(string.Join(",", log));
        }

        var result = Bounded.Run(() => Explore.Search(Main, new ExploreOptions { Schedules = 30 }));
        Assert.Equal(["first,second", "second,first"], orders.Order());
        var swapped = Bounded.Run(() => Explore.Replay(Main, [0, 1]));
        Assert.Equal("step 2: ran the Sleep timer of task 'second' before the Sleep timer of task 'first' (choice 1 of 2)", swapped.Deviations.Single().ToString());
        orders.Clear();
        Bounded.Run(() => Explore.Replay(Main, []));
        Assert.Equal(["first,second"], orders); // FIFO keeps scheduling order for equal deadlines
    }

    private static async Coroutine SleepLong() => await Coroutine.Sleep(3600);

    private static async Coroutine Boom()
    {
        await Coroutine.Yield();
        throw new FormatException("boom");
    }
}
