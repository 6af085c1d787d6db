// What travels one direction of a simulated TCP connection: bytes, the end of the stream (FIN), a
// reset (RST), or the fault "the receiving host crashes as this arrives". Segments of a direction
// arrive in the order they were sent (TcpDirection keeps their due times non-decreasing).
namespace Coop.Testing;

internal sealed class Segment(SegmentKind kind, byte[]? data, long due)
{
    public SegmentKind Kind { get; } = kind;

    /// <summary>The bytes of a data segment (a copy of what was sent); null otherwise.</summary>
    public byte[]? Data { get; } = data;

    /// <summary>When it arrives (loop timestamp); moved later while a partition holds it.</summary>
    public long Due { get; set; } = due;

    /// <summary>For a crash segment, how long the host stays down.</summary>
    public TimeSpan Downtime { get; init; }
}

internal enum SegmentKind : byte
{
    Data,
    Fin,
    Rst,
    CrashReceiver,
}
