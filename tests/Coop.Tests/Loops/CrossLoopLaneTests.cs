using System.Runtime.CompilerServices;
using Coop.Loops;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Loops;

/// <summary>One sender's lane of a cross-loop channel, the single-producer single-consumer queue:
/// against a FIFO model on one thread (order, capacity and when room comes back, across segments),
/// between two threads, and sealed against a send when the receiver closes.</summary>
public class CrossLoopLaneTests
{
    /// <summary>The documented rule, as a model: a FIFO whose sender may have <c>capacity</c> items
    /// not given back; the receiver gives back in steps and all it took when it finds the lane empty.</summary>
    private sealed class LaneModel(int capacity)
    {
        private readonly Queue<int> _items = new();
        private readonly int _step = CrossLoopLane<int>.GiveBackStepFor(capacity);
        private long _pushed, _taken, _givenBack;

        public int Count => _items.Count;

        public bool TryPush(int item)
        {
            if (_pushed - _givenBack >= capacity)
            {
                return false;
            }

            _items.Enqueue(item);
            _pushed++;
            return true;
        }

        public bool TryTake(out int item)
        {
            if (!_items.TryDequeue(out item))
            {
                _givenBack = _taken;
                return false;
            }

            if (++_taken - _givenBack >= _step)
            {
                _givenBack = _taken;
            }

            return true;
        }
    }

    [Fact]
    public void PushAndTake_AnySequence_BehaveAsTheModel()
    {
        // Operations: 0-4 push the next number, 5-9 take; `bias` tilts towards pushes so that long
        // runs cross segments (16 to 128 slots for these capacities, 1,024 unbounded) and unbounded lanes grow.
        Gen.Select(Gen.OneOf(Gen.Int[1, 80], Gen.Const(int.MaxValue)), Gen.Int[0, 3], Gen.Int[0, 9].Array[0, 4000])
            .Sample((capacity, bias, operations) =>
            {
                var lane = new CrossLoopLane<int>(capacity);
                var model = new LaneModel(capacity);
                var next = 0;
                foreach (var operation in operations)
                {
                    if (operation < 5 + bias)
                    {
                        var pushed = lane.TryPush(next);
                        if (pushed != model.TryPush(next))
                        {
                            return false;
                        }

                        next += pushed ? 1 : 0;
                    }
                    else if (lane.TryTake(out var got) != model.TryTake(out var expected) || got != expected)
                    {
                        return false;
                    }
                }

                // Drained, the lane holds exactly what the model holds, in order.
                while (model.TryTake(out var expected))
                {
                    if (!lane.TryTake(out var got) || got != expected)
                    {
                        return false;
                    }
                }

                return !lane.TryTake(out _) && lane.IsEmpty;
            }, iter: 200);
    }

    [Fact]
    public void TryTake_ReferenceItems_TheLaneLetsGoOfWhatItHandedOut()
    {
        var lane = new CrossLoopLane<object>(4);
        var weak = PushAndTake(lane);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.False(weak.IsAlive);

        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference PushAndTake(CrossLoopLane<object> lane)
        {
            var item = new object();
            Assert.True(lane.TryPush(item));
            Assert.True(lane.TryTake(out var taken));
            Assert.Same(item, taken);
            return new WeakReference(item);
        }
    }

    [Fact]
    public void PushAndTake_TwoThreads_EveryItemArrivesOnceInOrder()
    {
        Gen.Select(Gen.OneOf(Gen.Int[1, 2048], Gen.Const(int.MaxValue)), Gen.Int[0, 200_000]).Sample((capacity, count) =>
        {
            var lane = new CrossLoopLane<int>(capacity);
            var inOrder = true;
            Bounded.Run(() =>
            {
                var producer = new Thread(() =>
                {
                    var spinner = default(SpinWait);
                    for (var i = 0; i < count; i++)
                    {
                        while (!lane.TryPush(i))
                        {
                            spinner.SpinOnce();
                        }
                    }
                });
                producer.Start();
                var spin = default(SpinWait);
                for (var expected = 0; expected < count;)
                {
                    if (lane.TryTake(out var got))
                    {
                        inOrder &= got == expected++;
                    }
                    else
                    {
                        spin.SpinOnce();
                    }
                }

                producer.Join();
            });
            return inOrder && !lane.TryTake(out _);
        }, iter: 10);
    }

    [Fact]
    public void Seal_SendAndCloseInEitherOrder_TheLastItemIsHandedBackOrFailedNeverBoth()
    {
        // The receiver took some items; the sender published one more and then saw the close. Whoever
        // seals first decides: the close hands back everything below the seal, the send fails from it.
        Gen.Select(Gen.Int[0, 3000], Gen.Int[0, 3000], Gen.Bool).Sample((sent, takenFirst, closeSealsFirst) =>
        {
            takenFirst = Math.Min(takenFirst, sent);
            var lane = new CrossLoopLane<int>(int.MaxValue);
            for (var i = 0; i < sent; i++)
            {
                lane.TryPush(i);
            }

            for (var i = 0; i < takenFirst; i++)
            {
                lane.TryTake(out _);
            }

            var last = lane.Tail;
            lane.TryPush(sent);
            var left = new List<int>();
            bool handedBack;
            if (closeSealsFirst)
            {
                lane.SealAndDrain(left);
                handedBack = lane.SealAgainstSend(last);
            }
            else
            {
                handedBack = lane.SealAgainstSend(last);
                lane.SealAndDrain(left);
            }

            var expected = Enumerable.Range(takenFirst, sent - takenFirst + (closeSealsFirst ? 1 : 0));
            return handedBack == closeSealsFirst && left.SequenceEqual(expected);
        }, iter: 100);
    }
}
