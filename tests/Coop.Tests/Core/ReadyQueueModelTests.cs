using Coop.Core;
using CsCheck;

namespace Coop.Tests.Core;

// The ready queue against a plain list: random runs of enqueues (callbacks and task steps), dequeues
// and moves to the front (seeded schedules) keep exactly the list's order, whatever the segments do
// underneath, and the segments in use never hold much more than what is queued.
public class ReadyQueueModelTests
{
    private static readonly Action<object?> Nothing = static _ => { };

    private enum Op
    {
        Enqueue,
        EnqueueStep,
        Dequeue,
        MoveToFront,
        CheckCapacity,
    }

    [Fact]
    public void RandomOperations_KeepTheOrderOfAListModel()
    {
        // Random programs cross segment boundaries many times; a burst of many segments, a drain and
        // a check of what is kept are one long program after them.
        var op = Gen.Frequency(
            (6, Gen.Const(Op.Enqueue)),
            (2, Gen.Const(Op.EnqueueStep)),
            (5, Gen.Const(Op.Dequeue)),
            (1, Gen.Const(Op.MoveToFront)),
            (1, Gen.Const(Op.CheckCapacity)));
        var program = Gen.Select(op, Gen.Int[1, 300], Gen.Int[0, 1000]).Array[1, 100];
        program.Sample(Run, iter: 300);

        // One long program, deterministic: a hundred segments, drained to a few.
        var longOne = new List<(Op, int, int)> { (Op.Enqueue, 100_000, 0), (Op.Dequeue, 99_990, 0), (Op.CheckCapacity, 1, 0), (Op.Enqueue, 5, 0) };
        Run([.. longOne]);
    }

    private static void Run((Op Op, int Count, int Pick)[] program)
    {
        var queue = new ReadyQueue();
        var model = new Model();
        var next = 0;
        using var loop = new EventLoop(); // never run: it only owns the tasks whose steps are queued
        foreach (var (kind, count, pick) in program)
        {
            switch (kind)
            {
                case Op.Enqueue:
                    for (var i = 0; i < count; i++)
                    {
                        var state = next++;
                        queue.Enqueue(Nothing, state);
                        model.Add(state);
                    }

                    break;
                case Op.EnqueueStep:
                    var task = loop.CreateTask(Array.Empty<object?>()); // its own first step is queued on the loop, not here
                    queue.EnqueueStep(task);
                    model.Add(task);
                    break;
                case Op.Dequeue:
                    for (var i = 0; i < count && model.Count > 0; i++)
                    {
                        var item = queue.Dequeue();
                        Assert.Equal(model[0], item.State);
                        Assert.Equal(model[0] is CoopTask, item.Callback is null);
                        model.RemoveFirst();
                    }

                    break;
                case Op.MoveToFront when model.Count > 0:
                    var offset = pick % model.Count;
                    queue.MoveToFront(offset);
                    model.MoveToFront(offset);
                    break;
                case Op.CheckCapacity:
                    Assert.True(queue.Capacity <= model.Count + 3 * ReadyQueue.SegmentLength, $"{queue.Capacity} slots kept for {model.Count} entries");
                    break;
            }

            Assert.Equal(model.Count, queue.Count);
            for (var i = 0; i < Math.Min(3, model.Count); i++)
            {
                Assert.Equal(model[i], queue.Peek(i).State);
            }
        }

        while (queue.Count > 0)
        {
            Assert.Equal(model[0], queue.Dequeue().State);
            model.RemoveFirst();
        }

        Assert.Equal(0, model.Count);
    }

    /// <summary>A list with a moving head, so that a long drain stays linear.</summary>
    private sealed class Model
    {
        private readonly List<object> _items = [];
        private int _head;

        public int Count => _items.Count - _head;

        public object this[int index] => _items[_head + index];

        public void Add(object item) => _items.Add(item);

        public void RemoveFirst() => _head++;

        public void MoveToFront(int offset)
        {
            var chosen = _items[_head + offset];
            _items.RemoveAt(_head + offset);
            _items.Insert(_head, chosen);
        }
    }
}
