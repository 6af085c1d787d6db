using Coop.Core;
using CsCheck;

namespace Coop.Tests.Core;

// The timer heap's order: whatever the deadlines (many equal ones included), timers leave in
// (deadline, scheduling order), never early, and canceled ones never leave. Handles and sleeps
// (a TimerFuture is its own timer) are mixed: they share one order.
public class TimerQueueHeapOrderTests
{
    private static readonly Action<object?> Nothing = static _ => { };

    [Fact]
    public void MoveDue_RandomDeadlinesKindsAndCancels_FireInDeadlineThenSchedulingOrder()
    {
        Gen.Select(Gen.Int[0, 50].Array[0, 300], Gen.Bool.Array[300], Gen.Bool.Array[300], Gen.Int[1, 20]).Sample((dues, sleeps, cancels, step) =>
        {
            using var loop = new EventLoop(); // never run: it only owns the sleeps' futures
            var queue = new TimerQueue();
            var timers = new List<(object Timer, long Due, int Index)>();
            for (var i = 0; i < dues.Length; i++)
            {
                if (sleeps[i])
                {
                    var sleep = new TimerFuture(loop);
                    queue.Add(sleep, dues[i]);
                    timers.Add((sleep, dues[i], i));
                }
                else
                {
                    var handle = new Handle(null, Nothing, null, dues[i]);
                    queue.Add(handle);
                    timers.Add((handle, dues[i], i));
                }
            }

            for (var i = 0; i < dues.Length; i++)
            {
                if (cancels[i])
                {
                    if (timers[i].Timer is Handle handle)
                    {
                        handle.Cancel();
                    }
                    else
                    {
                        ((Future)timers[i].Timer).Cancel();
                    }

                    queue.OnCanceled(); // what the loop does for its own heap
                }
            }

            var expected = timers.Where(t => !cancels[t.Index])
                .OrderBy(t => t.Due).ThenBy(t => t.Index).Select(t => t.Timer).ToList();
            var dueOf = timers.ToDictionary(t => t.Timer, t => t.Due, ReferenceEqualityComparer.Instance);
            var fired = new List<object>();
            var ready = new ReadyQueue();
            for (long now = 0; now <= 50 + step; now += step)
            {
                queue.MoveDue(now, ready);
                while (ready.Count > 0)
                {
                    var timer = ready.Dequeue().State!;
                    Assert.True(dueOf[timer] <= now, "a timer left the heap before its deadline");
                    fired.Add(timer);
                }
            }

            Assert.Equal(expected, fired);
            Assert.Null(queue.NextDue());
        });
    }
}
