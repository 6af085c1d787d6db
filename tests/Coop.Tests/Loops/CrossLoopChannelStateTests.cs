using System.Collections.Concurrent;
using Coop.Loops;
using Coop.Tests.Support;
using CsCheck;

namespace Coop.Tests.Loops;

/// <summary>The shared state of a cross-loop channel on raw threads: the receiver's close racing sends
/// on several lanes, where each item must be received, handed back by the close, or failed back to
/// its sender, exactly once (the connection hand-off relies on it to close every socket in flight).</summary>
public class CrossLoopChannelStateTests
{
    [Fact]
    public void CloseReceiver_RacingSendsOnSeveralLanes_EachItemReceivedHandedBackOrFailedExactlyOnce()
    {
        Gen.Select(Gen.OneOf(Gen.Int[1, 64], Gen.Const(int.MaxValue)), Gen.Int[1, 3], Gen.Int[0, 20_000]).Sample((capacity, senders, takeBeforeClose) =>
        {
            var state = new CrossLoopChannelState<long>(capacity);
            var lanes = Enumerable.Range(0, senders).Select(_ => state.OpenLane()).ToArray();
            var sent = new ConcurrentQueue<long>[senders];
            var failed = new long[senders];
            var received = new List<long>();
            List<long> left = [];
            Bounded.Run(() =>
            {
                var threads = Enumerable.Range(0, senders).Select(s => new Thread(() =>
                {
                    sent[s] = new();
                    var spinner = default(SpinWait);
                    for (long i = 0; ; i++)
                    {
                        var item = (s * 1L << 40) + i;
                        try
                        {
                            while (!state.TrySend(lanes[s], item))
                            {
                                spinner.SpinOnce(sleep1Threshold: -1);
                            }

                            sent[s].Enqueue(item);
                        }
                        catch (ChannelClosedException)
                        {
                            failed[s] = item;
                            return;
                        }
                    }
                })).ToArray();
                foreach (var thread in threads)
                {
                    thread.Start();
                }

                var turn = 0;
                while (received.Count < takeBeforeClose)
                {
                    if (lanes[turn].TryTake(out var item))
                    {
                        received.Add(item);
                    }

                    turn = (turn + 1) % senders;
                }

                left = state.CloseReceiver();
                foreach (var thread in threads)
                {
                    thread.Join();
                }
            });

            // Per sender: what it counts as sent is exactly what was received then handed back, in
            // its order, and the one item that failed is the next one, in neither.
            for (var s = 0; s < senders; s++)
            {
                var mine = received.Concat(left).Where(x => x >> 40 == s).ToList();
                if (!mine.SequenceEqual(sent[s]) || failed[s] != (s * 1L << 40) + mine.Count)
                {
                    return false;
                }
            }

            return true;
        }, iter: 30);
    }

    [Fact]
    public void TrySend_ReceiverClosed_ThrowsWhetherOrNotTheLaneHasRoom()
    {
        var state = new CrossLoopChannelState<int>(1);
        var lane = state.OpenLane();
        Assert.True(state.TrySend(lane, 1));
        Assert.Equal([1], state.CloseReceiver());
        var full = Assert.Throws<ChannelClosedException>(() => state.TrySend(lane, 2));
        Assert.Contains("receiver is closed", full.Message, StringComparison.Ordinal);
        Assert.Throws<ChannelClosedException>(() => state.TrySend(state.OpenLane(), 3)); // a lane with room
    }
}
