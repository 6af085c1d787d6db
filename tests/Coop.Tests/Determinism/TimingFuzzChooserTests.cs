using Coop.Tests.Support;

namespace Coop.Tests.Determinism;

public class TimingFuzzChooserTests
{
    /// <summary>Three tasks sleep 10 s each and record when they woke.</summary>
    private static Func<Coroutine> Sleepers(List<double> woke) => async () =>
    {
        var loop = EventLoop.Current;
        var tasks = new List<CoopTask>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            tasks.Add(loop.CreateTask(Sleeper(), name));
        }

        foreach (var task in tasks)
        {
            await task;
        }

        async Coroutine Sleeper()
        {
            await Coroutine.Sleep(10);
            woke.Add(loop.Time());
        }
    };

    [Fact]
    public void Sleep_NoFuzz_WakesOnTimeWithNoPerturbation()
    {
        var woke = new List<double>();
        var run = Bounded.Run(() => Explore.Replay(Sleepers(woke), seed: 3));
        Assert.False(run.Failed);
        Assert.Equal([10.0, 10.0, 10.0], woke);
        Assert.Empty(run.Perturbations);
    }

    [Fact]
    public void Sleep_HalfFuzz_WakesWithinHalfItsDelayEitherWayAndSaysWhichTimerMoved()
    {
        var options = new ExploreOptions { TimingFuzz = 0.5 };
        var woke = new List<double>();
        var run = Bounded.Run(() => Explore.Replay(Sleepers(woke), seed: 3, options));
        Assert.Equal(3, woke.Count);
        Assert.All(woke, t => Assert.InRange(t, 5.0, 15.0));
        Assert.Equal(3, run.Perturbations.Count);
        Assert.All(run.Perturbations, p => Assert.Equal(PerturbationKind.Timing, p.Kind));
        Assert.Contains(run.Perturbations, p => p.Key == "timer 1 of task 'b'");
        Assert.Contains("a sleep of 10 s, fired after", run.Perturbations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Sleep_SameSeed_SameTimes_OtherSeedsOtherTimes()
    {
        var options = new ExploreOptions { TimingFuzz = 0.5 };
        List<double> Times(long seed)
        {
            var woke = new List<double>();
            Bounded.Run(() => Explore.Replay(Sleepers(woke), seed, options));
            return woke;
        }

        Assert.Equal(Times(5), Times(5));
        Assert.NotEqual(Times(5), Times(6));
    }

    [Fact]
    public void Replay_ARunWithItsPerturbations_SameTimes()
    {
        var options = new ExploreOptions { TimingFuzz = 0.5 };
        var first = new List<double>();
        var run = Bounded.Run(() => Explore.Replay(Sleepers(first), seed: 9, options));
        var again = new List<double>();
        var replayed = Bounded.Run(() => Explore.Replay(Sleepers(again), run));
        Assert.Equal(first, again);
        Assert.Equal(run.Perturbations.Select(p => p.Key), replayed.Perturbations.Select(p => p.Key));
    }

    [Fact]
    public void Shrink_OnlyOneTimerMatters_KeepsThatPerturbationAlone()
    {
        // Fails when c wakes before 8 s: only c's sleep moving earlier matters.
        var options = new ExploreOptions { TimingFuzz = 0.5, Schedules = 200 };
        Coroutine Body()
        {
            var woke = new Dictionary<string, double>();
            return Run();

            async Coroutine Run()
            {
                var loop = EventLoop.Current;
                var tasks = new[] { "a", "b", "c" }.Select(n => loop.CreateTask(Sleeper(n), n)).ToList();
                foreach (var task in tasks)
                {
                    await task;
                }

                if (woke["c"] < 8)
                {
                    throw new InvalidOperationException($"c woke at {woke["c"]:0.00} s");
                }
            }

            async Coroutine Sleeper(string name)
            {
                await Coroutine.Sleep(10);
                woke[name] = EventLoop.Current.Time();
            }
        }

        var result = Bounded.Run(() => Explore.Search(Body, options));
        Assert.True(result.Failed);
        Assert.True(result.Failure!.Perturbations.Count >= 2);
        var shrunk = Assert.Single(result.Shrunk!.Perturbations);
        Assert.Equal("timer 1 of task 'c'", shrunk.Key);
        Assert.True(Bounded.Run(() => Explore.Replay(Body, result.Shrunk)).Failed);
        Assert.Contains("timer 1 of task 'c'", result.Report(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_NoFuzz_NeverFindsARaceOfTwoDistantDeadlines()
    {
        // A timeout of 1 s around a reply that takes 0.8 s: it only fails if the two timers swap.
        static async Coroutine Body()
        {
            var reply = EventLoop.Current.CreateTask(Reply(), "reply");
            var scope = await CancelScope.MoveOnAfter(1, async _ => { await reply; });
            if (scope.CanceledCaught)
            {
                throw new TimeoutException("the reply came after the timeout");
            }
        }

        static async Coroutine Reply() => await Coroutine.Sleep(0.8);

        Assert.False(Bounded.Run(() => Explore.Search(Body, new ExploreOptions { Schedules = 200 })).Failed);
        var fuzzed = Bounded.Run(() => Explore.Search(Body, new ExploreOptions { Schedules = 200, TimingFuzz = 0.5 }));
        Assert.True(fuzzed.Failed);
        Assert.IsType<TimeoutException>(fuzzed.Failure!.Exception);
    }

    private static async Coroutine Nothing() => await Coroutine.Yield();

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Options_TimingFuzzOutOfRange_Throws(double fuzz)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Explore.Search(Nothing, new ExploreOptions { TimingFuzz = fuzz }));
        Assert.Equal("TimingFuzz", error.ParamName);
    }

    [Fact]
    public void Options_TimingFuzzWithExhaustive_ThrowsSayingWhy()
    {
        var error = Assert.Throws<ArgumentException>(() => Explore.Search(Nothing, new ExploreOptions { TimingFuzz = 0.2, Strategy = ExploreStrategy.Exhaustive }));
        Assert.Contains("seed", error.Message, StringComparison.Ordinal);
    }
}
