// Micro-benchmarks of the loop's hot paths, per operation (OperationsPerInvoke), with allocations
// from the memory diagnoser: one yield round trip (both kinds), spawning a task (both kinds), awaiting
// a future that is already done, and adding then canceling a timer.
using BenchmarkDotNet.Attributes;

namespace Coop.Bench.Micro;

[MemoryDiagnoser]
public class LoopBenchmarks
{
    private const int Tasks = 100;
    private const int Yields = 100;
    private const int Spawns = 1000;
    private const int Awaits = 100_000;
    private const int Timers = 1000;

    private EventLoop _loop = null!;
    private Future _done = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new EventLoop();
        _done = _loop.CreateFuture();
        _done.SetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _loop.Dispose();

    private static IEnumerable<object?> YieldingGenerator(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            yield return null;
        }
    }

    private static async Coroutine YieldingAsync(int yields)
    {
        for (var i = 0; i < yields; i++)
        {
            await Coroutine.Yield();
        }
    }

    private IEnumerable<object?> GatherGenerators(Func<IEnumerable<object?>> body, int n)
    {
        var tasks = new CoopTask[n];
        for (var i = 0; i < n; i++)
        {
            tasks[i] = _loop.CreateTask(body());
        }

        foreach (var t in tasks)
        {
            if (!t.IsDone)
            {
                yield return t;
            }
        }
    }

    private async Coroutine GatherAsync(Func<Coroutine> body, int n)
    {
        var tasks = new CoopTask[n];
        for (var i = 0; i < n; i++)
        {
            tasks[i] = _loop.CreateTask(body());
        }

        foreach (var t in tasks)
        {
            await t;
        }
    }

    /// <summary>One yield and resume of a generator task (100 tasks x 100 yields).</summary>
    [Benchmark(OperationsPerInvoke = Tasks * Yields)]
    public void YieldGenerator() => _loop.RunUntilComplete(GatherGenerators(() => YieldingGenerator(Yields), Tasks));

    /// <summary>One yield and resume of an async task (100 tasks x 100 yields).</summary>
    [Benchmark(OperationsPerInvoke = Tasks * Yields)]
    public void YieldAsync() => _loop.RunUntilComplete(GatherAsync(() => YieldingAsync(Yields), Tasks));

    private static IEnumerable<object?> ReturnAtOnce()
    {
        yield break;
    }

#pragma warning disable CS1998 // returns at once: that is what is measured
    private static async Coroutine ReturnAtOnceAsync()
    {
    }
#pragma warning restore CS1998

    /// <summary>Create, schedule, run and join a generator task whose body returns at once.</summary>
    [Benchmark(OperationsPerInvoke = Spawns)]
    public void SpawnGenerator() => _loop.RunUntilComplete(GatherGenerators(ReturnAtOnce, Spawns));

    /// <summary>Create, schedule, run and join an async task whose body returns at once.</summary>
    [Benchmark(OperationsPerInvoke = Spawns)]
    public void SpawnAsync() => _loop.RunUntilComplete(GatherAsync(ReturnAtOnceAsync, Spawns));

    private async Coroutine AwaitDone(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await _done;
        }
    }

    /// <summary>Await a future that is already done (must not allocate: one task per 100,000 awaits).</summary>
    [Benchmark(OperationsPerInvoke = Awaits)]
    public void AwaitCompletedFuture() => _loop.RunUntilComplete(AwaitDone(Awaits));

    private static readonly Action<object?> Nothing = static _ => { };

    /// <summary>CallLater then Cancel on an idle loop (the timer heap's add and lazy removal).</summary>
    [Benchmark(OperationsPerInvoke = Timers)]
    public void TimerAddCancel()
    {
        for (var i = 0; i < Timers; i++)
        {
            _loop.CallLater(10, Nothing, null).Cancel();
        }
    }
}
