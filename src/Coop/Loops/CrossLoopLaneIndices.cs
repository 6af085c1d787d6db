// The four counters of a cross-loop lane (CrossLoopLane.cs), each side's on cache lines of its own.
// Two cores writing fields of one cache line would move that line between them on every write (false
// sharing); here the sender writes only its line, the receiver only its two, and each reads the
// other's published index only when its cached copy says the lane is full or empty. 128 bytes apart,
// not 64, because x64 cores fetch cache lines in adjacent pairs (as .NET's own padded queues assume).
// Not generic, because a generic type cannot have an explicit layout.
using System.Runtime.InteropServices;

namespace Coop.Loops;

[StructLayout(LayoutKind.Explicit, Size = 4 * LineSize)]
internal struct CrossLoopLaneIndices
{
    private const int LineSize = 128;

    /// <summary>Items published by the sender: written by the sender only, read by the receiver.</summary>
    [FieldOffset(LineSize)]
    public long Tail;

    /// <summary>The sender's last reading of <see cref="Head"/>.</summary>
    [FieldOffset(LineSize + 8)]
    public long HeadCache;

    /// <summary>Items whose room the receiver gave back: written by the receiver only, read by the
    /// sender of a bounded lane when it looks full.</summary>
    [FieldOffset(2 * LineSize)]
    public long Head;

    /// <summary>Items the receiver took (at least <see cref="Head"/>): the receiver's own.</summary>
    [FieldOffset(3 * LineSize)]
    public long Taken;

    /// <summary>The receiver's last reading of <see cref="Tail"/>.</summary>
    [FieldOffset(3 * LineSize + 8)]
    public long TailCache;
}
