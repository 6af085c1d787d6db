using Coop.Tests.Support;

namespace Coop.Tests.Docs;

/// <summary>The async sample of README.md, run as written, on a virtual clock.</summary>
public class ReadmeTests
{
    [Fact]
    public void AsyncSample_TwoSleepers_SumIsThreeAfterTheLongerSleep()
    {
        var clock = new VirtualClock();
        var total = Bounded.Run(() => EventLoop.Run(Sum(), clock));
        Assert.Equal(3, total);
        Assert.Equal(TimeSpan.FromSeconds(0.2), clock.Elapsed);
    }

    private static async Coroutine<int> Sum()
    {
        var loop = EventLoop.Current;
        var slow = loop.CreateTask(After(0.2, 2));
        var fast = loop.CreateTask(After(0.1, 1));
        return await slow + await fast;
    }

    private static async Coroutine<int> After(double seconds, int value)
    {
        await Coroutine.Sleep(seconds);
        return value;
    }
}
