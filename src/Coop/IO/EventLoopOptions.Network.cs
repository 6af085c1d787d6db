// The network seam's option (IO/NetworkStack.cs): which network the high-level calls use. Internal:
// the operating system's unless Coop.Testing's simulation makes the loop, so user code never chooses
// (and never changes) to run on a simulated network.
using Coop.IO;

namespace Coop;

public sealed partial class EventLoopOptions
{
    /// <summary>The network behind Network, SocketStream.ConnectAsync, SocketListener.Listen and
    /// UdpSocket.Bind; null for the operating system's.</summary>
    internal NetworkStack? NetworkStack { get; init; }
}
