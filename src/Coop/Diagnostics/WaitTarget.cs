// What a parked task waits on, in words and as an edge of the wait-for graph. A task parks on a
// future; the future says what it stands for: a task (awaited), a waiter's ticket of a primitive
// (Future.Giver: the lock, semaphore, queue or condition whose wait queue made it), a sleep. A lock
// knows its owner, so "waits on lock 2" continues "held by task 3". A channel knows how many senders
// are open and how many of those are still alive (ChannelState.cs), but not which tasks hold them: a
// receiver on an empty channel whose open senders were all collected waits on "no live sender", the
// end of a chain; otherwise the count is all a report can honestly give. Primitives are numbered the
// first time a report names them, so two reports name the same lock alike.
using System.Globalization;
using System.Runtime.CompilerServices;
using Coop.Core;

namespace Coop.Diagnostics;

internal static class WaitTarget
{
    private static readonly ConditionalWeakTable<object, StrongBox<int>> s_numbers = [];
    private static int s_lastNumber;

    /// <summary>What <paramref name="task"/> waits on, and the task that must move first (if one does).</summary>
    public static (string? Text, CoopTask? Blocker) Of(CoopTask task)
    {
        if (task.Status != CoopTaskStatus.Waiting)
        {
            return (null, null);
        }

        switch (task.ParkedOn)
        {
            case null:
                return (task.WaitingOnDescription, null);
            case CoopTask awaited:
                return ($"task {awaited.Id} ('{awaited.Name}')", awaited);
            case var future when future.Giver is { } giver:
                return Primitive(giver);
            case var future:
                return (future.Describe() == "Sleep" ? "a sleep (a timer)" : "a " + future.Describe().ToLowerInvariant() + " nobody named", null);
        }
    }

    private static (string Text, CoopTask? Blocker) Primitive(object giver)
    {
        var number = Number(giver).ToString(CultureInfo.InvariantCulture);
        switch (giver)
        {
            case CoopLock { Owner: { } owner }:
                return ($"lock {number}, held by task {owner.Id} ('{owner.Name}')", owner);
            case CoopLock:
                return ($"lock {number} (free: it is being handed over)", null);
            case CoopSemaphore semaphore:
                return ($"semaphore {number} (count {semaphore.CurrentCount.ToString(CultureInfo.InvariantCulture)})", null);
            case CoopCondition:
                return ($"condition {number}", null);
            case var queue when ChannelState.Of(queue) is { } channel:
                return (Channel(number, channel), null);
            default:
                var type = giver.GetType();
                var name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;
                return name == "CoopQueue" || type.Name.StartsWith("CoopQueue", StringComparison.Ordinal) || type.BaseType?.Name.StartsWith("CoopQueue", StringComparison.Ordinal) == true
                    ? ($"queue {number}", null)
                    : ($"{name} {number}", null);
        }
    }

    /// <summary>A channel as its waiters see it: a receiver waits while it is empty, a sender while it is full.</summary>
    private static string Channel(string number, ChannelState channel)
    {
        if (channel.Count > 0)
        {
            return $"channel {number} (full: {Count(channel.Count, "item")} buffered)";
        }

        var open = channel.OpenSenders;
        var live = channel.LiveSenders;
        if (live == 0)
        {
            return $"channel {number} with no live sender ({(open == 1 ? "its open sender was" : $"its {open} open senders were")} " +
                "dropped without Close and collected: nothing can ever be sent to it)";
        }

        return $"channel {number} (empty; {Count(live, "live sender")}, held by tasks no report can name{(live < open ? $", and {Count(open - live, "sender")} dropped without Close" : "")})";
    }

    private static string Count(int n, string what) => $"{n.ToString(CultureInfo.InvariantCulture)} {what}{(n == 1 ? "" : "s")}";

    /// <summary>True if <paramref name="task"/> waits to send or receive on a memory channel.</summary>
    public static bool WaitsOnChannel(CoopTask task) =>
        task.Status == CoopTaskStatus.Waiting && task.ParkedOn?.Giver is { } giver && ChannelState.Of(giver) != null;

    /// <summary>The number reports give <paramref name="primitive"/>: 1, 2, ... in the order first named.</summary>
    public static int Number(object primitive) =>
        s_numbers.GetValue(primitive, static _ => new StrongBox<int>(Interlocked.Increment(ref s_lastNumber))).Value;
}
