// What the seed (or a replayed perturbation) does to one TCP message (Simulation.DecideMessageFault,
// applied by TcpDirection.Transmit) or to one UDP datagram (Simulation.SendDatagram). At most one
// fault per message.
namespace Coop.Testing;

internal readonly record struct MessageFault(MessageFaultKind Kind, int Offset, TimeSpan Duration)
{
    public static MessageFault None => default;
}

internal enum MessageFaultKind : byte
{
    None,
    Delay,         // held for Duration
    Split,         // bytes [0, Offset) on time, the rest Duration later
    Reset,         // bytes [0, Offset) arrive, then the connection is reset
    SenderCrash,   // lost: its sender crashes, down for Duration
    ReceiverCrash, // lost: its receiver crashes as it arrives, down for Duration
    Partition,     // a partition between its hosts begins as it is sent, for Duration
    Drop,          // a datagram lost
    Duplicate,     // a datagram arrives twice, Duration apart
    Reorder,       // a datagram arrives Duration late
}
