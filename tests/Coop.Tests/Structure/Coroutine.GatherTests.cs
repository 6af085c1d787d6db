using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Structure;

public class CoroutineGatherTests
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

    private static async Coroutine<int> FailAfter(string message, int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }

        throw new InvalidOperationException(message);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("given twice")]
    [InlineData("awaited already")]
    public void Gather_OneCoroutineRefused_ThrowsAndRunsNone(string refused)
    {
        var runs = 0;
        var (error, live) = Run(async () =>
        {
            var reused = Counted();
            if (refused == "awaited already")
            {
                await reused;
            }

            Coroutine<int>[] children = refused switch
            {
                "null" => [Counted(), Counted(), null!, Counted()],
                "given twice" => [Counted(), reused, reused, Counted()],
                _ => [Counted(), Counted(), reused, Counted()],
            };
            var error = Record.Exception(() => Coroutine.Gather(children));
            for (var i = 0; i < 3; i++)
            {
                await Coroutine.Yield();
            }

            return (error, EventLoop.Current.AllTasks().Count);
        });

        Assert.True(error is ArgumentException or InvalidOperationException, error?.ToString());
        Assert.Equal(1, live); // only main: the children made before the refusal ended without running
        Assert.Equal(refused == "awaited already" ? 1 : 0, runs);

        async Coroutine<int> Counted()
        {
            runs++;
            await Coroutine.Yield();
            return runs;
        }
    }

    [Fact]
    public void Gather_ResultsInArgumentOrder_WhateverTheCompletionOrder()
    {
        var results = Run(async () => await Coroutine.Gather(After(1, 5), After(2, 0), After(3, 2)));
        Assert.Equal([1, 2, 3], results);
    }

    [Fact]
    public void Gather_MixedTypes_ResultsAsObjects()
    {
        var results = Run(async () => await Coroutine.Gather(After(1, 1), Text()));
        Assert.Equal([1, "a"], results);

        static async Coroutine<string> Text()
        {
            await Coroutine.Yield();
            return "a";
        }
    }

    [Fact]
    public void Gather_OneFails_FailsWithItAndOthersKeepRunning()
    {
        var (error, slowDone) = Run(async () =>
        {
            var slow = EventLoop.Current.CreateTask(After(7, 10));
            var fast = EventLoop.Current.CreateTask(FailAfter("boom", 1));
            try
            {
                await Coroutine.Gather(slow, fast);
                return (null, false);
            }
            catch (InvalidOperationException e)
            {
                var stillRunning = !slow.IsDone;
                await slow;
                return ((Exception?)e, stillRunning && slow.Result == 7);
            }
        });

        Assert.Equal("boom", error!.Message);
        Assert.True(slowDone);
    }

    [Fact]
    public void Gather_ReturnExceptions_ExceptionsTakeTheirPlace()
    {
        var results = Run(async () => await Coroutine.Gather([After(1, 2), FailAfter("x", 1), Canceled()], returnExceptions: true));

        Assert.Equal(1, results[0]);
        Assert.Equal("x", Assert.IsType<InvalidOperationException>(results[1]).Message);
        Assert.IsType<CanceledException>(results[2]);

        static async Coroutine<int> Canceled()
        {
            CoopTask.Current!.Cancel();
            await Coroutine.Yield();
            return 0;
        }
    }

    [Fact]
    public void Gather_Canceled_CancelsChildren()
    {
        var (a, b) = Run(async () =>
        {
            var ta = EventLoop.Current.CreateTask(After(1, 1000));
            var tb = EventLoop.Current.CreateTask(After(2, 1000));
            var gather = Coroutine.Gather(ta, tb);
            await Coroutine.Yield();
            gather.Cancel();
            await Coroutine.Wait([ta, tb]);
            return (ta.IsCanceled, tb.IsCanceled);
        });

        Assert.True(a && b);
    }

    [Fact]
    public void Gather_WaitingTaskCanceled_CancelsChildren()
    {
        var (waiterCanceled, childCanceled) = Run(async () =>
        {
            CoopTask<int>? child = null;
            async Coroutine Waiter()
            {
                child = EventLoop.Current.CreateTask(After(1, 1000));
                await Coroutine.Gather(child);
            }

            var waiter = EventLoop.Current.CreateTask(Waiter());
            await Coroutine.Yield();
            waiter.Cancel();
            await Coroutine.Wait([waiter]);
            await Coroutine.Wait([child!]);
            return (waiter.IsCanceled, child!.IsCanceled);
        });

        Assert.True(waiterCanceled);
        Assert.True(childCanceled);
    }

    [Fact]
    public void Gather_ChildCanceled_GatherIsCanceled()
    {
        var canceled = Run(async () =>
        {
            var child = EventLoop.Current.CreateTask(After(1, 1000));
            var gather = Coroutine.Gather(child);
            child.Cancel();
            await Coroutine.Wait([gather]);
            return gather.IsCanceled;
        });

        Assert.True(canceled);
    }

    [Fact]
    public void Gather_Empty_CompletesWithEmptyArray()
    {
        var results = Run(async () => await Coroutine.Gather(Array.Empty<Future>()));
        Assert.Empty(results);
    }

    [Fact]
    public void Gather_SecondErrorAfterFailure_GoesToTheLoopHandler()
    {
        var errors = new List<LoopError>();
        Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            loop.ExceptionHandler = (_, e) => errors.Add(e);
            var gather = Coroutine.Gather(loop.CreateTask(FailAfter("first", 1)), loop.CreateTask(FailAfter("second", 3)));
            Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(gather));
            loop.RunUntilComplete(Settle());
        });

        Assert.Contains(errors, e => e.Exception?.Message == "second");

        static async Coroutine Settle()
        {
            for (var i = 0; i < 5; i++)
            {
                await Coroutine.Yield();
            }
        }
    }

    [Fact]
    public void Gather_FromAGenerator_IsYielded()
    {
        var sum = Bounded.Run(() =>
        {
            using var loop = new EventLoop(new VirtualClock());
            return loop.RunUntilComplete(Generator());
        });

        Assert.Equal(3, sum);

        static IEnumerable<object?> Generator()
        {
            var gather = Coroutine.Gather(After(1, 2), After(2, 1));
            yield return gather;
            yield return Coroutine.Return(gather.Result.Sum());
        }
    }

    [Fact]
    public void Gather_NullArgument_Throws()
    {
        Assert.Throws<ArgumentException>(() => Coroutine.Gather((Future)null!));
    }

    [Fact]
    public void Gather_RandomCompletionOrders_ResultsAlwaysInArgumentOrder()
    {
        Bounded.Run(() => Gen.Int[0, 8].Array[0, 10].Sample(yields =>
        {
            var results = EventLoop.Run(Main(yields), new VirtualClock());
            return results.SequenceEqual(Enumerable.Range(0, yields.Length));
        }, iter: 100));

        static async Coroutine<int[]> Main(int[] yields) =>
            await Coroutine.Gather(yields.Select((y, i) => After(i, y)).ToArray());
    }
}
