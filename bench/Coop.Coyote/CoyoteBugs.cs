// The four sample bugs of tests/Coop.Tests/Determinism/Samples/SampleBugs.cs, written the way a
// Coyote user writes them: ordinary async Task code (Task.Run, Task.Yield, TaskCompletionSource),
// which `coyote rewrite` instruments so that Coyote's TestingEngine controls every interleaving.
// Same shapes, same awaits, same invariants.
namespace Coop.Coyote;

internal static class CoyoteBugs
{
    public static async Task CheckThenAct()
    {
        var balance = 100;
        async Task Withdraw(int logins)
        {
            for (var i = 0; i < logins; i++)
            {
                await Task.Yield();
            }

            if (balance >= 80)
            {
                await Task.Yield();
                balance -= 80;
            }
        }

        var a = Task.Run(() => Withdraw(0));
        var b = Task.Run(() => Withdraw(1));
        await a;
        await b;
        if (balance < 0)
        {
            throw new InvalidOperationException($"Overdrawn: the balance is {balance}.");
        }
    }

    public static async Task LostUpdate()
    {
        var counter = 0;
        async Task Increment(int warmup)
        {
            for (var i = 0; i < warmup; i++)
            {
                await Task.Yield();
            }

            var seen = counter;
            await Task.Yield();
            counter = seen + 1;
        }

        var a = Task.Run(() => Increment(0));
        var b = Task.Run(() => Increment(1));
        await a;
        await b;
        if (counter != 2)
        {
            throw new InvalidOperationException($"Lost update: the counter is {counter}, expected 2.");
        }
    }

    public static async Task LockOrdering()
    {
        var x = new TaskLock();
        var y = new TaskLock();
        async Task Transfer(TaskLock first, TaskLock second, int warmup)
        {
            for (var i = 0; i < warmup; i++)
            {
                await Task.Yield();
            }

            await first.Acquire();
            await Task.Yield();
            await second.Acquire();
            second.Release();
            first.Release();
        }

        var a = Task.Run(() => Transfer(x, y, 0));
        var b = Task.Run(() => Transfer(y, x, 1));
        await a;
        await b;
    }

    public static async Task MissedWakeup()
    {
        var ready = false;
        var waiters = new List<TaskCompletionSource>();
        var gate = new object();
        async Task Consumer()
        {
            if (!Volatile.Read(ref ready))
            {
                await Task.Yield();
                var wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (gate)
                {
                    waiters.Add(wait);
                }

                await wait.Task;
            }
        }

        async Task Producer()
        {
            await Task.Yield();
            Volatile.Write(ref ready, true);
            List<TaskCompletionSource> woken;
            lock (gate)
            {
                woken = [.. waiters];
                waiters.Clear();
            }

            foreach (var w in woken)
            {
                w.SetResult();
            }
        }

        var consumer = Task.Run(Consumer);
        var producer = Task.Run(Producer);
        await producer;
        await consumer;
    }

    /// <summary>The same FIFO hand-off lock as the Coop sample, on TaskCompletionSource.</summary>
    private sealed class TaskLock
    {
        private readonly Queue<TaskCompletionSource> _waiters = new();
        private readonly object _gate = new();
        private bool _held;

        public Task Acquire()
        {
            lock (_gate)
            {
                if (!_held)
                {
                    _held = true;
                    return Task.CompletedTask;
                }

                var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Enqueue(turn);
                return turn.Task;
            }
        }

        public void Release()
        {
            TaskCompletionSource? next = null;
            lock (_gate)
            {
                if (_waiters.Count > 0)
                {
                    next = _waiters.Dequeue();
                }
                else
                {
                    _held = false;
                }
            }

            next?.SetResult();
        }
    }
}
