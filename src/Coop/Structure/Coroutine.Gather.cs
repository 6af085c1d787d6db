// Gather (asyncio.gather): run several awaitables concurrently and collect their results in argument
// order. It returns a Future, so async coroutines await it and generator coroutines yield it.
// As in asyncio: without returnExceptions the gather fails with the first error while the others
// keep running; canceling the gather (or the task awaiting it) cancels every child not yet done.
// Unlike asyncio, an error of another child after the gather has already failed is not dropped:
// it goes to the loop's exception handler (STYLE 10).
namespace Coop;

public abstract partial class Coroutine
{
    /// <summary>Runs <paramref name="coroutines"/> concurrently, each as its own task, and completes
    /// with their results in argument order (asyncio's <c>gather</c>).</summary>
    /// <remarks>If one fails, the gather fails with its exception at once and the others keep running.
    /// Canceling the returned future, or the task awaiting it, cancels the children not yet done.</remarks>
    public static Future<T[]> Gather<T>(params Coroutine<T>[] coroutines)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        return GatherCore<T>(StartAll(coroutines), returnExceptions: false);
    }

    /// <summary>Waits for <paramref name="tasks"/> and completes with their results in argument order.</summary>
    public static Future<T[]> Gather<T>(params CoopTask<T>[] tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return GatherCore<T>(CheckAll(tasks), returnExceptions: false);
    }

    /// <summary>Runs coroutines of any result type concurrently; the results come as objects, in
    /// argument order (null for a coroutine without a result).</summary>
    public static Future<object?[]> Gather(params Coroutine[] coroutines) => Gather(coroutines, returnExceptions: false);

    /// <summary>Runs <paramref name="coroutines"/> concurrently; with <paramref name="returnExceptions"/>,
    /// a child's exception (or <see cref="CanceledException"/>) takes its place in the results instead
    /// of failing the gather.</summary>
    public static Future<object?[]> Gather(IEnumerable<Coroutine> coroutines, bool returnExceptions)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        return GatherCore<object?>(StartAll(coroutines.ToArray()), returnExceptions);
    }

    /// <summary>Waits for futures or tasks of any type; the results come as objects, in argument order.</summary>
    public static Future<object?[]> Gather(params Future[] futures) => Gather(futures, returnExceptions: false);

    /// <summary>Waits for futures or tasks; with <paramref name="returnExceptions"/>, an exception takes
    /// its future's place in the results instead of failing the gather.</summary>
    public static Future<object?[]> Gather(IEnumerable<Future> futures, bool returnExceptions)
    {
        ArgumentNullException.ThrowIfNull(futures);
        return GatherCore<object?>(CheckAll(futures.ToArray()), returnExceptions);
    }

    /// <summary>Starts every coroutine as a task, or none: a refused argument (null, or a coroutine
    /// already started, awaited or given twice) is found before any child can run.</summary>
    private static Future[] StartAll(Coroutine[] coroutines)
    {
        var loop = EventLoop.Current;
        for (var i = 0; i < coroutines.Length; i++)
        {
            if (coroutines[i] == null)
            {
                throw new ArgumentException($"Coroutine {i} is null.", nameof(coroutines));
            }
        }

        var tasks = new Future[coroutines.Length];
        for (var i = 0; i < coroutines.Length; i++)
        {
            try
            {
                tasks[i] = loop.CreateTask(coroutines[i]);
            }
            catch (InvalidOperationException)
            {
                // Only the task knows its coroutine was used already: the ones made so far have not
                // run a step yet, and a task canceled before its first step never runs its coroutine.
                for (var made = 0; made < i; made++)
                {
                    tasks[made].Cancel("Gather refused one of its coroutines: none is run.");
                }

                throw;
            }
        }

        return tasks;
    }

    private static Future[] CheckAll(Future[] futures)
    {
        for (var i = 0; i < futures.Length; i++)
        {
            if (futures[i] == null)
            {
                throw new ArgumentException($"Future {i} is null.", nameof(futures));
            }

            if (futures[i].Loop != futures[0].Loop)
            {
                throw new ArgumentException($"Future {i} belongs to another event loop than the first: gather futures of one loop.", nameof(futures));
            }
        }

        return futures;
    }

    private static Future<T[]> GatherCore<T>(Future[] children, bool returnExceptions)
    {
        var loop = children.Length > 0 ? children[0].Loop : EventLoop.Current;
        loop.CheckThread();
        var outer = new Future<T[]>(loop) { CancelWithWaiter = true };
        var results = new T[children.Length];
        if (children.Length == 0)
        {
            outer.SetResult(results);
            return outer;
        }

        var pending = children.Length;
        for (var i = 0; i < children.Length; i++)
        {
            var index = i;
            children[i].AddDoneCallback(child =>
            {
                pending--;
                if (outer.IsDone)
                {
                    ReportLateError(child, "A gathered task failed after the gather had already ended");
                    return;
                }

                if (child.State == FutureState.Succeeded)
                {
                    results[index] = (T)child.ResultObject!;
                }
                else if (returnExceptions)
                {
                    results[index] = (T)(object)child.Exception!;
                }
                else
                {
                    outer.TrySetException(child.Exception!); // a canceled child cancels the gather
                    return;
                }

                if (pending == 0)
                {
                    outer.TrySetResult(results);
                }
            });
        }

        outer.AddDoneCallback(f =>
        {
            if (f.IsCanceled)
            {
                foreach (var child in children)
                {
                    child.Cancel("The gather was canceled.");
                }
            }
        });
        return outer;
    }

    private static void ReportLateError(Future child, string message)
    {
        if (child.State == FutureState.Failed)
        {
            child.Loop.ReportError(new LoopError(message, child.Exception, child as CoopTask, null));
        }
    }
}
