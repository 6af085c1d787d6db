// A random program of loop callbacks, as data: each node is a callback scheduled with CallSoon,
// CallLater (a small delay in milliseconds, negative ones count as zero) or CallSoonThreadsafe (from
// the loop thread itself, so it goes through the inbox deterministically). When it runs, a callback
// may cancel an earlier handle (by scheduling order), schedules its children, and may throw.
// Printed compactly: S/L3/I = soon / later 3 ms / inbox, !=throws, xK = cancels handle K.
using System.Globalization;
using CsCheck;

namespace Coop.Tests.Properties.Model;

public enum CallbackKind
{
    Soon,
    Later,
    Inbox,
}

public sealed record CallbackNode(CallbackKind Kind, int DelayMs, bool Throws, int CancelHandle, CallbackNode[] Children)
{
    public override string ToString()
    {
        var head = Kind switch
        {
            CallbackKind.Soon => "S",
            CallbackKind.Later => "L" + DelayMs.ToString(CultureInfo.InvariantCulture),
            _ => "I",
        };
        if (Throws)
        {
            head += "!";
        }

        if (CancelHandle >= 0)
        {
            head += "x" + CancelHandle.ToString(CultureInfo.InvariantCulture);
        }

        return Children.Length == 0 ? head : head + "(" + string.Join(" ", Children.Select(c => c.ToString())) + ")";
    }
}

public static class CallbackProgramGen
{
    public static Gen<CallbackNode> Node(int depth, int maxDelayMs) => Gen.Select(
        Gen.Frequency((3, Gen.Const(CallbackKind.Soon)), (3, Gen.Const(CallbackKind.Later)), (1, Gen.Const(CallbackKind.Inbox))),
        Gen.Int[-2, maxDelayMs],
        Gen.Frequency((6, Gen.Const(false)), (1, Gen.Const(true))),
        Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, 12])),
        depth == 0 ? Gen.Const(Array.Empty<CallbackNode>()) : Node(depth - 1, maxDelayMs).Array[0, 3],
        (kind, delay, throws, cancel, children) => new CallbackNode(kind, kind == CallbackKind.Later ? delay : 0, throws, cancel, children));

    /// <summary>Root callbacks scheduled before the loop runs.</summary>
    public static Gen<CallbackNode[]> Program(int maxDelayMs) =>
        Gen.Int[0, 3].SelectMany(depth => Node(depth, maxDelayMs).Array[1, 6]);

    public static string Print(CallbackNode[] roots) => string.Join(" ", roots.Select(r => r.ToString()));

    public static string ChildPath(string path, int index) => path + "." + index.ToString(CultureInfo.InvariantCulture);
}
