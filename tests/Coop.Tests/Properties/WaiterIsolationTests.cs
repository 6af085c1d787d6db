// Issue 10, bug 1 and its class: a future that a primitive hands to several waiters, which a
// combinator then cancels (a WaitFor timing out, a canceled Gather, the caller canceling the
// future it was given), must not break the primitive for the other waiters. For every waiting
// operation of every primitive and channel: random sets of waiters, a random subset of them
// disturbed in a random way before the primitive is released; every undisturbed waiter must then
// get what it waited for, and the primitive must still work afterwards.
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Properties;

public class WaiterIsolationTests
{
    public enum Primitive
    {
        EventWait,
        QueueJoin,
        QueueGet,
        ChannelReceive,
        LockAcquire,
        SemaphoreAcquire,
        BarrierWait,
        ConditionWait,
    }

    public enum Disturbance
    {
        None,
        WaitForTimesOut,
        GatherCanceled,
        FutureCanceled,
        TaskCanceled,
        ShieldCanceled,
    }

    [Fact]
    public void Waiters_SomeDisturbedByCombinators_TheOthersStillGetWhatTheyWaitFor()
    {
        var gen = Gen.Select(Gen.Enum<Primitive>(), Gen.Enum<Disturbance>().Array[1, 6]);
        Bounded.Run(() => gen.Sample(
            (primitive, disturbances) => Check(primitive, disturbances),
            iter: 400,
            print: p => $"{p.Item1}: {string.Join(", ", p.Item2)}"));
    }

    private static void Check(Primitive primitive, Disturbance[] disturbances)
    {
        if (primitive is not (Primitive.EventWait or Primitive.QueueJoin))
        {
            // A shielded wait goes on waiting, by design: it would take an item, a lock or a permit
            // meant for an undisturbed waiter. Where that matters, cancel the future instead.
            disturbances = [.. disturbances.Select(d => d == Disturbance.ShieldCanceled ? Disturbance.FutureCanceled : d)];
        }

        var undisturbed = disturbances.Count(d => d == Disturbance.None);
        var succeeded = 0;
        EventLoop.Run(Main(), new VirtualClock());

        async Coroutine Main()
        {
            var loop = EventLoop.Current;
            var target = new Target(primitive, disturbances.Length);
            await target.Prepare();
            var waiters = new List<CoopTask>();
            foreach (var disturbance in disturbances)
            {
                waiters.Add(loop.CreateTask(Waiter(target, disturbance)));
            }

            await Coroutine.Sleep(0.5); // every disturbance has struck
            await target.Release(undisturbed);
            foreach (var waiter in waiters)
            {
                try
                {
                    await waiter;
                }
                catch (CanceledException)
                {
                }
            }

            Assert.Equal(undisturbed, succeeded);
            await target.StillWorks();
        }

        async Coroutine Waiter(Target target, Disturbance disturbance)
        {
            var loop = EventLoop.Current;
            var me = CoopTask.Current!;
            if (disturbance == Disturbance.None)
            {
                await target.Wait();
                succeeded++;
                target.Done();
                return;
            }

            if (primitive == Primitive.ConditionWait)
            {
                // Wait is a coroutine here, not a future: the disturbances that apply cancel its task.
                loop.CallLater(0.1, () => me.Cancel());
                try
                {
                    await target.Wait();
                }
                catch (CanceledException)
                {
                    return;
                }

                target.Done();
                return;
            }

            var future = target.WaitFuture();
            try
            {
                if (disturbance == Disturbance.WaitForTimesOut)
                {
                    await Coroutine.WaitFor(future, 0.1);
                }
                else
                {
                    // What is awaited, and what gets canceled a little later.
                    Future awaited = disturbance switch
                    {
                        Disturbance.GatherCanceled => Coroutine.Gather(future),
                        Disturbance.ShieldCanceled => Coroutine.Shield(future),
                        _ => future,
                    };
                    loop.CallLater(0.1, () => _ = disturbance == Disturbance.TaskCanceled ? me.Cancel() : awaited.Cancel());
                    await awaited;
                }
            }
            catch (Exception e) when (e is CanceledException or TimeoutException)
            {
                return;
            }

            target.Done(); // released before the disturbance struck: fine, it got it
        }
    }

    /// <summary>One primitive, seen through the operations the property needs.</summary>
    private sealed class Target(Primitive primitive, int waiters)
    {
        private readonly CoopEvent _event = new();
        private readonly CoopQueue<int> _queue = new();
        private readonly (ChannelSender<int> Tx, ChannelReceiver<int> Rx) _channel = CoopChannel.CreateUnbounded<int>();
        private readonly CoopLock _lock = new();
        private readonly CoopSemaphore _semaphore = new(0);
        private readonly CoopBarrier _barrier = new(waiters + 1);
        private readonly CoopCondition _condition = new();

        public async Coroutine Prepare()
        {
            switch (primitive)
            {
                case Primitive.QueueJoin:
                    _queue.PutNowait(0); // unfinished until Release
                    break;
                case Primitive.LockAcquire:
                    await _lock.AcquireAsync(); // held by the main task until Release
                    break;
            }
        }

        /// <summary>A waiting operation's future (not for the condition, whose Wait is a coroutine).</summary>
        public Future WaitFuture() => primitive switch
        {
            Primitive.EventWait => _event.WaitAsync(),
            Primitive.QueueJoin => _queue.JoinAsync(),
            Primitive.QueueGet => _queue.GetAsync(),
            Primitive.ChannelReceive => _channel.Rx.ReceiveAsync(),
            Primitive.LockAcquire => _lock.AcquireAsync(),
            Primitive.SemaphoreAcquire => _semaphore.AcquireAsync(),
            Primitive.BarrierWait => _barrier.WaitAsync(),
            _ => throw new InvalidOperationException("the condition's Wait is a coroutine"),
        };

        public async Coroutine Wait()
        {
            if (primitive != Primitive.ConditionWait)
            {
                await WaitFuture();
                return;
            }

            await _condition.AcquireAsync();
            try
            {
                await _condition.WaitAsync();
            }
            finally
            {
                _condition.Release();
            }
        }

        /// <summary>A waiter got what it waited for: give back what must be given back.</summary>
        public void Done()
        {
            switch (primitive)
            {
                case Primitive.LockAcquire:
                    _lock.Release();
                    break;
                case Primitive.SemaphoreAcquire:
                    _semaphore.Release();
                    break;
            }
        }

        /// <summary>Lets <paramref name="undisturbed"/> waiters through.</summary>
        public async Coroutine Release(int undisturbed)
        {
            switch (primitive)
            {
                case Primitive.EventWait:
                    _event.Set();
                    break;
                case Primitive.QueueJoin:
                    _queue.GetNowait();
                    _queue.TaskDone();
                    break;
                case Primitive.QueueGet:
                    for (var i = 0; i < undisturbed; i++)
                    {
                        _queue.PutNowait(i);
                    }

                    break;
                case Primitive.ChannelReceive:
                    for (var i = 0; i < undisturbed; i++)
                    {
                        Assert.True(_channel.Tx.TrySend(i));
                    }

                    break;
                case Primitive.LockAcquire:
                    _lock.Release();
                    break;
                case Primitive.SemaphoreAcquire:
                    _semaphore.Release();
                    break;
                case Primitive.BarrierWait:
                    // The parties that left are made up for by newcomers; the last one passes the round.
                    for (var needed = _barrier.Parties - _barrier.Waiting; needed > 1; needed--)
                    {
                        _ = EventLoop.Current.CreateTask(Arrive(_barrier));
                    }

                    await _barrier.WaitAsync();
                    break;
                case Primitive.ConditionWait:
                    await _condition.AcquireAsync();
                    _condition.NotifyAll();
                    _condition.Release();
                    break;
            }
        }

        private static async Coroutine Arrive(CoopBarrier barrier) => await barrier.WaitAsync();

        /// <summary>The primitive works for a newcomer after all that.</summary>
        public async Coroutine StillWorks()
        {
            switch (primitive)
            {
                case Primitive.EventWait:
                    await _event.WaitAsync();
                    break;
                case Primitive.QueueJoin:
                    await _queue.JoinAsync();
                    break;
                case Primitive.QueueGet:
                case Primitive.ChannelReceive:
                    var get = primitive == Primitive.QueueGet ? _queue.GetAsync() : _channel.Rx.ReceiveAsync();
                    if (primitive == Primitive.QueueGet)
                    {
                        _queue.PutNowait(42);
                    }
                    else
                    {
                        _channel.Tx.TrySend(42);
                    }

                    Assert.Equal(42, await (Future<int>)get);
                    break;
                case Primitive.LockAcquire:
                    (await _lock.AcquireAsync()).Dispose();
                    break;
                case Primitive.SemaphoreAcquire:
                    _semaphore.Release();
                    (await _semaphore.AcquireAsync()).Dispose();
                    break;
                default:
                    break;
            }
        }
    }
}
