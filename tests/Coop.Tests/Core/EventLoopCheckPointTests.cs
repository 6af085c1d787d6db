using Coop.Tests.Support;

namespace Coop.Tests.Core;

/// <summary>The check point inside a pass (EventLoop.CheckPoint.cs): a timer that comes due while a
/// long pass runs fires within a few steps, what it wakes runs next, and the ready tasks keep their
/// order among themselves.</summary>
public class EventLoopCheckPointTests
{
    private const int Yielders = 1000;
    private const int Rounds = 3;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sleep_DueWhileALongPassRuns_ItsTaskRunsWithinACheckPointAndTheOthersKeepTheirOrder(bool generatorSleeper)
    {
        var clock = new ManualClock();
        var log = new List<int>();
        var advancedAt = -1;
        using var loop = new EventLoop(clock);
        for (var i = 0; i < Yielders; i++)
        {
            loop.CreateTask(Yielder(i));
        }

        var sleeper = generatorSleeper ? loop.CreateTask(GeneratorSleeper()) : loop.CreateTask(Sleeper());
        Bounded.Run(() => loop.RunUntilComplete(sleeper));
        Iterations.RunUntilIdle(loop);

        var wokeAt = log.IndexOf(-1);
        Assert.True(advancedAt >= 0 && wokeAt > advancedAt, $"advanced at {advancedAt}, woke at {wokeAt}");
        Assert.True(wokeAt - advancedAt <= EventLoop.CheckPointInterval + 1,
            $"the sleeper woke {wokeAt - advancedAt} steps after its deadline passed (a pass is {Yielders} steps)");
        log.Remove(-1);
        Assert.Equal(Enumerable.Repeat(Enumerable.Range(0, Yielders), Rounds).SelectMany(r => r), log);

        async Coroutine Yielder(int id)
        {
            for (var round = 0; round < Rounds; round++)
            {
                log.Add(id);
                if (round == 1 && id == Yielders / 2)
                {
                    clock.Advance(1); // the sleeper's deadline passes in the middle of a pass
                    advancedAt = log.Count - 1;
                }

                await Coroutine.Yield();
            }
        }

        async Coroutine Sleeper()
        {
            await Coroutine.Sleep(1);
            log.Add(-1);
        }

        IEnumerable<object?> GeneratorSleeper()
        {
            yield return Coroutine.Sleep(1);
            log.Add(-1);
        }
    }

    [Fact]
    public void CallLater_DueWhileAPassRuns_RunsAtTheCheckPointAndWhatItSchedulesRunsNext()
    {
        var clock = new ManualClock();
        var log = new List<string>();
        using var loop = new EventLoop(clock);
        for (var i = 0; i < 200; i++)
        {
            var id = i;
            loop.CallSoon(() =>
            {
                log.Add("c" + id);
                if (id == 10)
                {
                    clock.Advance(1);
                }
            });
        }

        loop.CallLater(1, () => log.Add("first timer"));
        loop.CallLater(1, () =>
        {
            log.Add("second timer");
            loop.CallSoon(() => log.Add("made ready by the timer"));
        });
        Iterations.RunUntilIdle(loop);

        var at = log.IndexOf("first timer");
        Assert.InRange(at, 11, 11 + EventLoop.CheckPointInterval);
        Assert.Equal(["first timer", "second timer", "made ready by the timer"], log.Skip(at).Take(3));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "c" + i), log.Where(l => l.StartsWith('c')));
    }

    [Fact]
    public void CheckPoint_VirtualClock_NothingComesDueMidPassSoTheScheduleIsUnchanged()
    {
        // Time stands still while there is work: every timer fires where RunOnce moves it, at the
        // back of the ready queue, after the pass in progress (asyncio's order).
        var log = new List<string>();
        using var loop = new EventLoop(new VirtualClock());
        loop.CallLater(0, () => log.Add("timer"));
        for (var i = 0; i < 3 * EventLoop.CheckPointInterval; i++)
        {
            var id = i;
            loop.CallSoon(() => log.Add("c" + id));
        }

        Iterations.RunUntilIdle(loop);
        Assert.Equal("timer", log[^1]);
    }
}
