// The four classic concurrency bugs of the issue, each as a small Coop program that passes under
// plain FIFO and fails under some interleaving, and its fixed version. On Coop's loop a task that
// yields runs again in the next pass, so what a schedule can change is the order of the tasks
// within one pass: each bug below needs task 'B' (or the producer) to run before 'A' in one pass. Each program checks its own
// invariant and throws when it breaks; a deadlock fails through the virtual clock's detection.
// The same four are written for Microsoft Coyote in bench/Coop.Coyote/ (docs/testing.md compares).
namespace Coop.Tests.Determinism.Samples;

internal static class SampleBugs
{
    /// <summary>Check-then-act across an await: two withdrawals of 80 from a balance of 100. Each
    /// checks the balance, then awaits an audit, then debits; if both check before either debits,
    /// the balance goes negative. Task 'B' logs in first (one yield), so FIFO happens to pass.</summary>
    public static async Coroutine CheckThenAct(bool fixedVersion)
    {
        var balance = 100;
        async Coroutine Withdraw(int logins)
        {
            for (var i = 0; i < logins; i++)
            {
                await Coroutine.Yield(); // logging in
            }

            if (fixedVersion)
            {
                // Fixed: act in the same step as the check; the await comes after.
                if (balance >= 80)
                {
                    balance -= 80;
                    await Coroutine.Yield(); // audit
                }
            }
            else if (balance >= 80)
            {
                await Coroutine.Yield(); // audit: another task may run here
                balance -= 80;
            }
        }

        var loop = EventLoop.Current;
        var a = loop.CreateTask(Withdraw(0), "A");
        var b = loop.CreateTask(Withdraw(1), "B");
        await a;
        await b;
        if (balance < 0)
        {
            throw new InvalidOperationException($"Overdrawn: the balance is {balance}.");
        }
    }

    /// <summary>Lost update: two tasks increment a shared counter with a read, an await, and a
    /// write; if both read before either writes, one increment is lost. 'B' warms up for one yield, so
    /// FIFO happens to pass.</summary>
    public static async Coroutine LostUpdate(bool fixedVersion)
    {
        var counter = 0;
        var guard = new SampleLock();
        async Coroutine Increment(int warmup)
        {
            for (var i = 0; i < warmup; i++)
            {
                await Coroutine.Yield();
            }

            if (fixedVersion)
            {
                await guard.Acquire();
            }

            try
            {
                var seen = counter;
                await Coroutine.Yield(); // e.g. a round trip to a cache
                counter = seen + 1;
            }
            finally
            {
                if (fixedVersion)
                {
                    guard.Release();
                }
            }
        }

        var loop = EventLoop.Current;
        var a = loop.CreateTask(Increment(0), "A");
        var b = loop.CreateTask(Increment(1), "B");
        await a;
        await b;
        if (counter != 2)
        {
            throw new InvalidOperationException($"Lost update: the counter is {counter}, expected 2.");
        }
    }

    /// <summary>Deadlock from lock ordering: 'A' takes x then y, 'B' takes y then x. If each takes its
    /// first lock before the other takes its second, both wait forever (the virtual clock reports a
    /// DeadlockException). The fixed version takes the locks in one global order.</summary>
    public static async Coroutine LockOrdering(bool fixedVersion)
    {
        var x = new SampleLock();
        var y = new SampleLock();
        async Coroutine Transfer(SampleLock first, SampleLock second, int warmup)
        {
            for (var i = 0; i < warmup; i++)
            {
                await Coroutine.Yield();
            }

            await first.Acquire();
            await Coroutine.Yield(); // some work under the first lock
            await second.Acquire();
            second.Release();
            first.Release();
        }

        var loop = EventLoop.Current;
        var a = loop.CreateTask(Transfer(x, y, 0), "A");
        var b = fixedVersion ? loop.CreateTask(Transfer(x, y, 1), "B") : loop.CreateTask(Transfer(y, x, 1), "B");
        await a;
        await b;
    }

    /// <summary>Missed wake-up: the consumer checks a flag, awaits (a log write), then waits for the
    /// signal; if the producer sets the flag and notifies in that gap, nobody is waiting yet and the
    /// consumer sleeps forever. The fixed version checks and starts waiting in the same step.</summary>
    public static async Coroutine MissedWakeup(bool fixedVersion)
    {
        var ready = false;
        var signal = new SampleSignal();
        async Coroutine Consumer()
        {
            if (fixedVersion)
            {
                while (!ready)
                {
                    var wait = signal.Wait(); // registered before any await
                    await Coroutine.Yield(); // the log write
                    await wait;
                }

                return;
            }

            if (!ready)
            {
                await Coroutine.Yield(); // the log write: the producer may run here
                await signal.Wait();
            }
        }

        async Coroutine Producer()
        {
            await Coroutine.Yield();
            ready = true;
            signal.NotifyAll();
        }

        var loop = EventLoop.Current;
        var consumer = loop.CreateTask(Consumer(), "consumer");
        var producer = loop.CreateTask(Producer(), "producer");
        await producer;
        await consumer;
    }
}
