// `coop-bench alloc`: exact bytes allocated per operation on the hot paths, counted with
// GC.GetAllocatedBytesForCurrentThread around many repetitions (the memory diagnoser's figures,
// without BenchmarkDotNet's run time). docs/benchmarks.md quotes them.
using System.Globalization;

namespace Coop.Bench.Micro;

internal static class Allocations
{
    private const int N = 100_000;

    private static IEnumerable<object?> Yielder(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            yield return null;
        }
    }

    private static async Coroutine YielderAsync(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }
    }

    private static IEnumerable<object?> Waiter(Future f)
    {
        yield return f;
    }

    private static async Coroutine WaiterAsync(Future f) => await f;

    private static async Coroutine AwaitDone(Future done, int n)
    {
        for (var i = 0; i < n; i++)
        {
            await done;
        }
    }

#pragma warning disable CS1998 // returns at once: that is what is measured
    private static async Coroutine<int> Value(int i) => i;
#pragma warning restore CS1998

    private static IEnumerable<object?> GeneratorValue(int i)
    {
        yield return Coroutine.Return(i);
    }

    private static double PerOp(int n, Action run)
    {
        run(); // JIT and first-use allocations out of the count
        var before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)n;
    }

    private static void Line(string what, double bytes) =>
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-58} {1,8:0.0} B", what, bytes));

    public static int Run()
    {
        using var loop = new EventLoop();
        var done = loop.CreateFuture();
        done.SetResult();

        Line("yield round trip, generator (1 task x 100,000 yields)", PerOp(N, () => loop.RunUntilComplete(Yielder(N))));
        Line("yield round trip, async (1 task x 100,000 yields)", PerOp(N, () => loop.RunUntilComplete(YielderAsync(N))));
        Line("await of a completed future (100,000 in one task)", PerOp(N, () => loop.RunUntilComplete(AwaitDone(done, N))));
        Line("CallLater + Cancel", PerOp(N, () =>
        {
            for (var i = 0; i < N; i++)
            {
                loop.CallLater(10, static _ => { }, null).Cancel();
            }
        }));

        var tasks = new CoopTask[N];
        Line("CreateTask(generator returning i), run and joined", PerOp(N, () =>
        {
            for (var i = 0; i < N; i++)
            {
                tasks[i] = loop.CreateTask(GeneratorValue(i));
            }

            loop.RunUntilComplete(Waiter(tasks[^1]));
        }));
        Line("CreateTask(async Coroutine<int> returning i), run and joined", PerOp(N, () =>
        {
            for (var i = 0; i < N; i++)
            {
                tasks[i] = loop.CreateTask(Value(i));
            }

            loop.RunUntilComplete(Waiter(tasks[^1]));
        }));
        Line("task parked on a future, generator (create + park + wake)", PerOp(N, () =>
        {
            var ev = loop.CreateFuture();
            for (var i = 0; i < N; i++)
            {
                tasks[i] = loop.CreateTask(Waiter(ev));
            }

            loop.CallSoon(() => ev.SetResult());
            loop.RunUntilComplete(Waiter(tasks[^1]));
        }));
        Line("task parked on a future, async (create + park + wake)", PerOp(N, () =>
        {
            var ev = loop.CreateFuture();
            for (var i = 0; i < N; i++)
            {
                tasks[i] = loop.CreateTask(WaiterAsync(ev));
            }

            loop.CallSoon(() => ev.SetResult());
            loop.RunUntilComplete(Waiter(tasks[^1]));
        }));
        return 0;
    }
}
