using Coop.Core;
using CsCheck;

namespace Coop.Tests.Core;

// The timer heap's order: whatever the deadlines (many equal ones included), timers leave in
// (deadline, scheduling order), never early, and cancelled ones never leave.
public class TimerQueueHeapOrderTests
{
    private static readonly Action<object?> Nothing = static _ => { };

    [Fact]
    public void MoveDue_RandomDeadlinesAndCancels_FireInDeadlineThenSchedulingOrder()
    {
        Gen.Select(Gen.Int[0, 50].Array[0, 300], Gen.Bool.Array[300], Gen.Int[1, 20]).Sample((dues, cancels, step) =>
        {
            var queue = new TimerQueue();
            var handles = new List<(Handle Handle, int Index)>();
            for (var i = 0; i < dues.Length; i++)
            {
                var handle = new Handle(null, Nothing, null, dues[i]);
                queue.Add(handle);
                handles.Add((handle, i));
            }

            for (var i = 0; i < dues.Length; i++)
            {
                if (cancels[i])
                {
                    handles[i].Handle.Cancel();
                    queue.OnCancelled();
                }
            }

            var expected = handles.Where(h => !h.Handle.IsCancelled)
                .OrderBy(h => h.Handle.Due).ThenBy(h => h.Index).Select(h => h.Handle).ToList();
            var fired = new List<Handle>();
            var ready = new ReadyQueue();
            for (long now = 0; now <= 50 + step; now += step)
            {
                queue.MoveDue(now, ready);
                while (ready.Count > 0)
                {
                    var handle = (Handle)ready.Dequeue().State!;
                    Assert.True(handle.Due <= now, "a timer left the heap before its deadline");
                    fired.Add(handle);
                }
            }

            Assert.Equal(expected, fired);
            Assert.Null(queue.NextDue());
        });
    }
}
