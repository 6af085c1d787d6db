using Coop.Tests.Support;

namespace Coop.Tests.Structure;

public class CoroutineAsCompletedTests
{
    private static T Run<T>(Func<Coroutine<T>> main) => Bounded.Run(() => EventLoop.Run(main(), new VirtualClock()));

    private static async Coroutine<int> After(int value, int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        return value;
    }

    [Fact]
    public void AsCompleted_YieldsInCompletionOrder()
    {
        var order = Run(async () =>
        {
            var loop = EventLoop.Current;
            var tasks = new[] { loop.CreateTask(After(3, 9)), loop.CreateTask(After(1, 1)), loop.CreateTask(After(2, 4)) };
            var seen = new List<int>();
            foreach (var next in Coroutine.AsCompleted(tasks))
            {
                seen.Add((await next).Result);
            }

            return seen;
        });

        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public void AsCompleted_AlreadyDoneFirst_DuplicatesOnce()
    {
        var count = Run(async () =>
        {
            var loop = EventLoop.Current;
            var done = loop.CreateFuture<int>();
            done.SetResult(5);
            var slots = Coroutine.AsCompleted([done, done]);
            Assert.True(slots[0].IsDone);
            Assert.Same(done, await slots[0]);
            return slots.Count;
        });

        Assert.Equal(1, count);
    }

    [Fact]
    public void AsCompleted_Timeout_RemainingSlotsRaiseTimeoutException()
    {
        var (first, error) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var quick = loop.CreateFuture<int>();
            quick.SetResult(1); // done before the call: its slot does not race the timeout
            var never = loop.CreateFuture<int>();
            var slots = Coroutine.AsCompleted<Future>([never, quick], timeout: 0.01);
            var first = await slots[0];
            try
            {
                await slots[1];
                return (first, null);
            }
            catch (TimeoutException e)
            {
                return (first, (Exception?)e);
            }
        });

        Assert.IsType<Future<int>>(first);
        Assert.NotNull(error);
    }

    // A slot is the caller's to give up on (a WaitFor timing out on it): the next input to finish
    // then goes to the next slot, instead of SetResult throwing on the canceled one and the input
    // being lost.
    [Fact]
    public void AsCompleted_ASlotTimesOut_TheInputGoesToTheNextSlot()
    {
        var (timedOut, results) = Run(async () =>
        {
            var loop = EventLoop.Current;
            var tasks = new[] { loop.CreateTask(After(1, 50)), loop.CreateTask(After(2, 100)) };
            var slots = Coroutine.AsCompleted(tasks);
            var timedOut = false;
            try
            {
                await Coroutine.WaitFor(slots[0], 0);
            }
            catch (TimeoutException)
            {
                timedOut = true;
            }

            var results = new List<int> { (await slots[1]).Result };
            return (timedOut, results);
        });

        Assert.True(timedOut);
        Assert.Equal([1], results);
    }
}
